import { CodeSnippet, WarningPanel } from '@backstage/core-components';
import type { AnnotationProblem } from '@gort-backstage/plugin-gort-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { EXAMPLE_ANNOTATIONS } from '../../lib/exampleAnnotations';

/** Annotation problems, each naming the annotation, the value and the fix. */
export function AnnotationProblems(props: { problems: AnnotationProblem[] }) {
  const { problems } = props;
  if (problems.length === 0) {
    return null;
  }
  return (
    <WarningPanel
      title={`GORT annotations need attention (${problems.length})`}
      defaultExpanded
    >
      <List dense aria-label="Annotation problems">
        {problems.map((problem, index) => (
          <ListItem key={`${problem.annotation}-${index}`} disableGutters>
            <ListItemText
              primary={
                <>
                  <code>{problem.annotation}</code>
                  {problem.value ? (
                    <>
                      {': '}
                      <code>{problem.value}</code>
                    </>
                  ) : null}
                </>
              }
              secondary={problem.message}
            />
          </ListItem>
        ))}
      </List>
      <Typography variant="subtitle2" component="p">
        Example:
      </Typography>
      <CodeSnippet
        text={EXAMPLE_ANNOTATIONS}
        language="yaml"
        showCopyCodeButton
      />
    </WarningPanel>
  );
}
