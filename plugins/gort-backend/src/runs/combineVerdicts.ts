import type { RunFailure, RunObjectVerdict, RunState } from '@gort-backstage/plugin-gort-common';

export interface CombinedVerdict {
  state: Extract<RunState, 'waiting_for_source' | 'reconciling' | 'succeeded' | 'failed'> | 'unobservable' | 'partial';
  message: string;
  failure?: RunFailure;
  /** Objects still suspended (the run ends `suspended`, not `timed_out`, if they stay so). */
  suspended?: string[];
  /** What could not be judged: the problems of the clusters that could not be read. */
  notJudged?: string[];
}

export interface ObjectJudgement extends RunObjectVerdict {
  failure?: RunFailure;
}

export interface CombineOptions {
  /** The deadline has passed: failures found so far fail the run, unreadable clusters end it `partial`. */
  final?: boolean;
}

const PENDING = new Set<RunObjectVerdict['state']>(['waiting_for_source', 'reconciling', 'suspended', 'unknown']);

const clusterOf = (j: ObjectJudgement) => j.cluster ?? '';

function problemsOf(unreachable: ObjectJudgement[]): string[] {
  return [...new Set(unreachable.map(j => j.detail))];
}

/**
 * One state for the run from its objects' verdicts, each judged in its own
 * cluster. A failure fails the run once no other cluster's object is still
 * on its way (a cluster's verdict is not cut short by another's failure);
 * it succeeds when every object landed. Objects of a cluster that cannot be
 * read (unreachable, 401/403, Flux kinds not served) are waited for until
 * the deadline, then named as not judged (`partial`) instead of failing
 * everything; the other clusters' verdicts stand.
 */
export function combineVerdicts(judgements: ObjectJudgement[], options: CombineOptions = {}): CombinedVerdict {
  const several = new Set(judgements.map(clusterOf)).size > 1;
  const inCluster = (j: ObjectJudgement) => (several && j.cluster ? ` in cluster ${j.cluster}` : '');
  // A cluster that does not serve the kind never will during this run: not judged, like an
  // unreadable cluster, but nothing to wait for. Alone, it makes the run unobservable (below).
  const notServedHere = (j: ObjectJudgement) => j.state === 'unobservable' && j.because === 'kind-not-served';
  const onlyNotServed = judgements.length > 0 && judgements.every(notServedHere);
  const unreachable = judgements.filter(j => j.state === 'unreachable' || (!onlyNotServed && notServedHere(j)));
  const notJudged = problemsOf(unreachable);
  const notJudgedPart = notJudged.length ? { notJudged } : {};
  const notJudgedText = notJudged.length ? `; not judged: ${notJudged.join('; ')}` : '';
  const landed = judgements.filter(j => j.state === 'succeeded');
  const landedText = several && landed.length
    ? `; landed in ${[...new Set(landed.map(j => `cluster ${clusterOf(j)}`))].join(', ')}`
    : '';

  const failed = judgements.find(j => j.state === 'failed');
  if (failed) {
    const failedClusters = new Set(judgements.filter(j => j.state === 'failed').map(clusterOf));
    const pendingElsewhere = judgements.find(j => PENDING.has(j.state) && !failedClusters.has(clusterOf(j)));
    if (!pendingElsewhere || options.final) {
      return {
        state: 'failed',
        message: `${several && failed.cluster ? `Failed in cluster ${failed.cluster}: ` : ''}${failed.object}: ${failed.detail}${landedText}${notJudgedText}`,
        failure: failed.failure,
        ...notJudgedPart,
      };
    }
    return {
      state: 'reconciling',
      message: `${failed.object} failed${inCluster(failed)}; waiting for ${pendingElsewhere.object}${inCluster(pendingElsewhere)}: ${pendingElsewhere.detail}`,
      ...notJudgedPart,
    };
  }
  // Nothing will ever tell us about this commit: say so at once.
  const unobservable = judgements.find(j => j.state === 'unobservable' && (onlyNotServed || !notServedHere(j)));
  if (unobservable) {
    return { state: 'unobservable', message: `${unobservable.object}: ${unobservable.detail}` };
  }
  if (judgements.length > 0 && judgements.every(j => j.state === 'succeeded')) {
    return {
      state: 'succeeded',
      message: judgements.map(j => `${j.object}: ${j.detail}`).join('; '),
    };
  }
  if (unreachable.length > 0 && judgements.every(j => j.state === 'succeeded' || unreachable.includes(j))) {
    // Waiting can help an unreachable cluster, not one without the kind.
    if (options.final || !unreachable.some(j => j.state === 'unreachable')) {
      return {
        state: 'partial',
        message: `${landed.length ? `Landed: ${landed.map(j => `${j.object}${inCluster(j)}`).join(', ')}; not` : 'Not'} judged: ${notJudged.join('; ')}`,
        notJudged,
      };
    }
    return { state: 'reconciling', message: `Waiting for ${notJudged.join('; ')}`, notJudged };
  }
  const suspended = judgements.filter(j => j.state === 'suspended').map(j => j.object);
  const suspension = suspended.length ? { suspended } : {};
  const waitingForSource = judgements.find(j => j.state === 'waiting_for_source');
  if (waitingForSource) {
    return { state: 'waiting_for_source', message: `${waitingForSource.object}: ${waitingForSource.detail}${notJudgedText}`, ...suspension, ...notJudgedPart };
  }
  const pending =
    judgements.find(j => j.state === 'suspended') ??
    judgements.find(j => j.state !== 'succeeded' && !unreachable.includes(j)) ??
    judgements[0];
  return {
    state: 'reconciling',
    message: pending ? `${pending.object}: ${pending.detail}${notJudgedText}` : 'nothing to observe',
    ...suspension,
    ...notJudgedPart,
  };
}

const PROGRESS_ORDER: Partial<Record<RunState, number>> = {
  queued: 0,
  waiting_for_source: 1,
  reconciling: 2,
};

/** Runs only move forward through the waiting states (no flapping timeline). */
export function isForwardMove(from: RunState, to: RunState): boolean {
  const a = PROGRESS_ORDER[from];
  const b = PROGRESS_ORDER[to];
  if (a === undefined || b === undefined) return from !== to;
  return b > a;
}
