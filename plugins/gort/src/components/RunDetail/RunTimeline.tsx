import type { RunTimelineEntry } from '@gort-backstage/plugin-gort-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { runStatePresentation } from '../../lib/states';
import { absoluteTime } from '../../lib/time';
import { Section } from '../Section';
import { StatusLabel } from '../StatusLabel';

/** The states a run went through, oldest first. */
export function RunTimeline(props: { timeline: RunTimelineEntry[] }) {
  return (
    <Section title="Timeline">
      <List dense component="ol" aria-label="Run timeline">
        {props.timeline.map((entry, index) => {
          const state = runStatePresentation(entry.state);
          return (
            <ListItem
              key={`${entry.at}-${index}`}
              component="li"
              disableGutters
            >
              <ListItemText
                primary={
                  <>
                    <time dateTime={entry.at}>{absoluteTime(entry.at)}</time>{' '}
                    <StatusLabel kind={state.kind} label={state.label} />
                  </>
                }
                secondary={entry.message}
              />
            </ListItem>
          );
        })}
      </List>
    </Section>
  );
}
