import { Link } from '@backstage/core-components';
import {
  RUN_OUTCOMES,
  RunOutcome,
  RunSummary,
} from '@gort-backstage/plugin-gort-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { Fragment, useState } from 'react';
import { shortSha } from '../../lib/revisions';
import { runPresentation } from '../../lib/states';
import { absoluteTime, relativeTime, runDuration } from '../../lib/time';
import { CommitLink } from '../CommitLink';
import { StatusLabel } from '../StatusLabel';
import { FixPrLink } from './FixPrLink';
import { foldSuperseded, RunsTableRow } from './foldSuperseded';
import { IntentLabel } from './IntentLabel';

const OUTCOME_LABELS: Record<RunOutcome, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  timed_out: 'Timed out',
  suspended: 'Suspended',
  unobservable: 'Cannot be tracked',
  partial: 'Partly judged',
  superseded: 'Superseded',
  error: 'GORT error',
};

export interface RunsTableProps {
  runs: RunSummary[];
  /** Path of a run's detail page. */
  runPath: (run: RunSummary) => string;
  outcome?: RunOutcome;
  onOutcomeChange: (outcome: RunOutcome | undefined) => void;
  page: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  onNextPage: () => void;
  onPreviousPage: () => void;
}

function CommitCell(props: { run: RunSummary }) {
  const { run } = props;
  return (
    <>
      <CommitLink sha={run.sha} url={run.commit?.url} repo={run.repo} />
      {run.commit?.author && (
        <Typography variant="caption"> by {run.commit.author}</Typography>
      )}
      {run.trigger === 'manual' && (
        <Typography variant="caption"> (run by hand)</Typography>
      )}
      {run.trigger === 'catch-up' && (
        <Typography variant="caption"> (found through Flux; its push never arrived)</Typography>
      )}
      {run.commit?.message && (
        <Typography
          variant="body2"
          noWrap
          style={{ maxWidth: 360 }}
          title={run.commit.message}
        >
          {run.commit.message.split('\n')[0]}
        </Typography>
      )}
    </>
  );
}

function RunRow(props: {
  run: RunSummary;
  runPath: (run: RunSummary) => string;
}) {
  const { run, runPath } = props;
  const state = runPresentation(run);
  return (
    <TableRow hover>
      <TableCell>
        <CommitCell run={run} />
      </TableCell>
      <TableCell>
        <Tooltip title={absoluteTime(run.createdAt)}>
          <span>{relativeTime(run.createdAt)}</span>
        </Tooltip>
      </TableCell>
      <TableCell>{runDuration(run)}</TableCell>
      <TableCell>
        <Link
          to={runPath(run)}
          aria-label={`Run ${shortSha(run.sha)}: ${state.label}, open details`}
        >
          <StatusLabel kind={state.kind} label={state.label} />
        </Link>
      </TableCell>
      <TableCell>{run.category ?? ''}</TableCell>
      <TableCell>
        <IntentLabel met={run.intentMet} />
      </TableCell>
      <TableCell>
        <FixPrLink fixPr={run.fixPr} />
      </TableCell>
    </TableRow>
  );
}

/** The row standing for a fold of superseded runs, with its toggle. */
function SupersededRow(props: {
  runs: RunSummary[];
  expanded: boolean;
  onToggle: () => void;
}) {
  const { runs, expanded } = props;
  const count =
    runs.length === 1 ? '1 superseded run' : `${runs.length} superseded runs`;
  const newest = shortSha(runs[0].sha);
  const oldest = shortSha(runs[runs.length - 1].sha);
  const span = runs.length === 1 ? newest : `${newest} … ${oldest}`;
  return (
    <TableRow>
      <TableCell colSpan={7}>
        <Button
          size="small"
          aria-expanded={expanded}
          onClick={props.onToggle}
          style={{ textTransform: 'none' }}
        >
          {expanded ? 'Hide' : 'Show'} {count}
        </Button>
        <Typography variant="caption" color="textSecondary">
          {' '}
          {span}: a newer push arrived before Flux applied{' '}
          {runs.length === 1 ? 'it' : 'them'}
        </Typography>
      </TableCell>
    </TableRow>
  );
}

/**
 * An entity's runs, newest first, one page at a time. Consecutive superseded
 * runs are folded into one row (unless the outcome filter asks for them).
 */
export function RunsTable(props: RunsTableProps) {
  const { runs, runPath, outcome } = props;
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const rows: RunsTableRow[] =
    outcome === 'superseded'
      ? runs.map(run => ({ kind: 'run', run }))
      : foldSuperseded(runs);
  const toggle = (key: string) =>
    setExpanded(current => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  return (
    <>
      <Box display="flex" alignItems="center" mb={1}>
        <TextField
          select
          id="gort-runs-outcome"
          label="Outcome"
          size="small"
          variant="outlined"
          value={outcome ?? ''}
          onChange={event =>
            props.onOutcomeChange(
              (event.target.value || undefined) as RunOutcome | undefined,
            )
          }
          style={{ minWidth: 180 }}
        >
          <MenuItem value="">All outcomes</MenuItem>
          {RUN_OUTCOMES.map(value => (
            <MenuItem key={value} value={value}>
              {OUTCOME_LABELS[value]}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <Table size="small" aria-label="GORT runs">
        <TableHead>
          <TableRow>
            <TableCell>Commit</TableCell>
            <TableCell>Started</TableCell>
            <TableCell>Duration</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Category</TableCell>
            <TableCell>Intent</TableCell>
            <TableCell>Fix PR</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {runs.length === 0 && (
            <TableRow>
              <TableCell colSpan={7}>
                {outcome
                  ? `No run ended as "${OUTCOME_LABELS[outcome]}".`
                  : 'No run yet: GORT starts one on the next push to the watched branch, or use Run now.'}
              </TableCell>
            </TableRow>
          )}
          {rows.map(row => {
            if (row.kind === 'run') {
              return (
                <RunRow key={row.run.id} run={row.run} runPath={runPath} />
              );
            }
            const open = expanded.has(row.key);
            return (
              <Fragment key={`superseded-${row.key}`}>
                <SupersededRow
                  runs={row.runs}
                  expanded={open}
                  onToggle={() => toggle(row.key)}
                />
                {open &&
                  row.runs.map(run => (
                    <RunRow key={run.id} run={run} runPath={runPath} />
                  ))}
              </Fragment>
            );
          })}
        </TableBody>
      </Table>
      <Box
        display="flex"
        justifyContent="flex-end"
        alignItems="center"
        mt={1}
        component="nav"
        aria-label="Runs pages"
      >
        <Typography variant="body2" style={{ marginRight: 8 }}>
          Page {props.page}
        </Typography>
        <Button
          size="small"
          onClick={props.onPreviousPage}
          disabled={!props.hasPreviousPage}
        >
          Previous page
        </Button>
        <Button
          size="small"
          onClick={props.onNextPage}
          disabled={!props.hasNextPage}
        >
          Next page
        </Button>
      </Box>
    </>
  );
}
