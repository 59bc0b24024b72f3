import { Link } from '@backstage/core-components';
import type { RunSummary } from '@gort-backstage/plugin-gort-common';
import Typography from '@material-ui/core/Typography';
import { shortSha } from '../../lib/revisions';
import { runPresentation } from '../../lib/states';
import { relativeTime } from '../../lib/time';
import { FixPrLink } from '../RunsTable';
import { StatusLabel } from '../StatusLabel';

/** One sentence on whether the last push landed, for the top of the tab. */
export function LatestPush(props: { run?: RunSummary; runPath: string }) {
  const { run, runPath } = props;
  if (!run) {
    return (
      <Typography variant="body1">
        No push followed yet: GORT starts on the next push to the watched
        branch.
      </Typography>
    );
  }
  const state = runPresentation(run);
  return (
    <Typography variant="body1" component="div">
      Latest push{' '}
      <Link
        to={runPath}
        aria-label={`Latest push ${shortSha(run.sha)}: ${
          state.label
        }, open details`}
      >
        <code>{shortSha(run.sha)}</code>
      </Link>
      {run.commit?.author && <> by {run.commit.author}</>},{' '}
      {relativeTime(run.createdAt)}:{' '}
      <StatusLabel kind={state.kind} label={state.label} />
      {run.category && (
        <>
          {' '}
          (<code>{run.category}</code>)
        </>
      )}
      {run.fixPr?.url && (
        <>
          {' '}
          · fix <FixPrLink fixPr={run.fixPr} />
        </>
      )}
    </Typography>
  );
}
