import type { EntityJourney } from './journey';

/** Exit codes of `gort follow` (documented in docs/cli.md). */
export const FOLLOW_EXIT = {
  succeeded: 0,
  /** A run failed (verdict, error, unmet intent) or did not finish in time. */
  failed: 1,
  /** Authentication, network or backend error: nothing is known about the commit. */
  unreachable: 2,
  /** No entity follows this push (no run appeared in the wait time). */
  noRuns: 3,
} as const;

export type FollowResult = 'succeeded' | 'failed' | 'timed_out' | 'no_runs';

/** The overall result of following a commit; `deadlinePassed` once the follow timeout is over. Pure. */
export function followResult(
  journeys: readonly EntityJourney[],
  deadlinePassed: boolean,
): FollowResult | undefined {
  if (journeys.length === 0) return deadlinePassed ? 'no_runs' : undefined;
  if (journeys.some(j => j.finished && j.failed)) {
    // keep following the others unless the time is up
    if (journeys.every(j => j.finished) || deadlinePassed) return 'failed';
    return undefined;
  }
  if (journeys.every(j => j.finished)) return 'succeeded';
  return deadlinePassed ? 'timed_out' : undefined;
}

export function exitCodeOf(result: FollowResult): number {
  switch (result) {
    case 'succeeded':
      return FOLLOW_EXIT.succeeded;
    case 'no_runs':
      return FOLLOW_EXIT.noRuns;
    default:
      return FOLLOW_EXIT.failed;
  }
}
