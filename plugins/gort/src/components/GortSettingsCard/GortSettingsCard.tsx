import { makeStyles } from '@material-ui/core/styles';
import {
  formatDuration,
  GortEntitySettings,
} from '@gort-backstage/plugin-gort-common';
import { Section } from '../Section';

function settingsMetadata(settings: GortEntitySettings) {
  const repo = (r?: { owner: string; repo: string }) =>
    r ? `${r.owner}/${r.repo}` : 'not set';
  return {
    'Pushes from': repo(settings.targetRepo),
    Branch: settings.branch ?? 'default branch',
    'Fix pull requests to': repo(settings.fixRepo),
    Mode: settings.mode,
    'Reconcile timeout': settings.reconcileTimeoutMs
      ? formatDuration(settings.reconcileTimeoutMs)
      : 'backend default',
    'Plan documents': settings.docsPaths.join(', '),
  };
}

const useStyles = makeStyles(theme => ({
  list: { margin: 0 },
  term: {
    ...theme.typography.caption,
    color: theme.palette.text.secondary,
    marginTop: theme.spacing(1),
  },
  value: {
    ...theme.typography.body2,
    margin: 0,
    overflowWrap: 'anywhere',
  },
}));

/** What the entity's annotations ask GORT to do (a narrow column). */
export function GortSettingsCard(props: { settings: GortEntitySettings }) {
  const classes = useStyles();
  return (
    <Section title="GORT settings">
      <dl className={classes.list}>
        {Object.entries(settingsMetadata(props.settings)).map(([term, value]) => (
          <div key={term}>
            <dt className={classes.term}>{term}</dt>
            <dd className={classes.value}>{value}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}
