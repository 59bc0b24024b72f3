import type { RunSummary } from '@gort-backstage/plugin-gort-common';

/** A row of the runs table: one run, or a fold of consecutive superseded runs. */
export type RunsTableRow =
  | { kind: 'run'; run: RunSummary }
  | {
      kind: 'superseded';
      /**
       * Stable while newer superseded runs join the fold at the top (runs
       * are newest first): the id of its oldest run.
       */
      key: string;
      runs: RunSummary[];
    };

export function isSuperseded(run: RunSummary): boolean {
  return run.state === 'superseded' || run.outcome === 'superseded';
}

/**
 * Folds each stretch of consecutive superseded runs into one row, so that a
 * burst of pushes does not bury the runs that decided something.
 */
export function foldSuperseded(runs: RunSummary[]): RunsTableRow[] {
  const rows: RunsTableRow[] = [];
  for (const run of runs) {
    const last = rows[rows.length - 1];
    if (!isSuperseded(run)) {
      rows.push({ kind: 'run', run });
    } else if (last?.kind === 'superseded') {
      last.runs.push(run);
      last.key = run.id;
    } else {
      rows.push({ kind: 'superseded', key: run.id, runs: [run] });
    }
  }
  return rows;
}
