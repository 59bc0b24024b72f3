import type { RunFailure, RunObjectVerdict, RunState } from '@gort-backstage/plugin-gort-common';

export interface CombinedVerdict {
  state: Extract<RunState, 'waiting_for_source' | 'reconciling' | 'succeeded' | 'failed'> | 'unobservable';
  message: string;
  failure?: RunFailure;
  /** Objects still suspended (the run ends `suspended`, not `timed_out`, if they stay so). */
  suspended?: string[];
}

export interface ObjectJudgement extends RunObjectVerdict {
  failure?: RunFailure;
}

/**
 * One state for the run from its objects' verdicts: any failure fails it; it
 * succeeds when every object landed; otherwise it waits on the slowest.
 */
export function combineVerdicts(judgements: ObjectJudgement[]): CombinedVerdict {
  const failed = judgements.find(j => j.state === 'failed');
  if (failed) {
    return {
      state: 'failed',
      message: `${failed.object}: ${failed.detail}`,
      failure: failed.failure,
    };
  }
  // Nothing will ever tell us about this commit: say so at once.
  const unobservable = judgements.find(j => j.state === 'unobservable');
  if (unobservable) {
    return { state: 'unobservable', message: `${unobservable.object}: ${unobservable.detail}` };
  }
  if (judgements.length > 0 && judgements.every(j => j.state === 'succeeded')) {
    return {
      state: 'succeeded',
      message: judgements.map(j => `${j.object}: ${j.detail}`).join('; '),
    };
  }
  const suspended = judgements.filter(j => j.state === 'suspended').map(j => j.object);
  const suspension = suspended.length ? { suspended } : {};
  const waitingForSource = judgements.find(j => j.state === 'waiting_for_source');
  if (waitingForSource) {
    return { state: 'waiting_for_source', message: `${waitingForSource.object}: ${waitingForSource.detail}`, ...suspension };
  }
  const pending =
    judgements.find(j => j.state === 'suspended') ?? judgements.find(j => j.state !== 'succeeded') ?? judgements[0];
  return {
    state: 'reconciling',
    message: pending ? `${pending.object}: ${pending.detail}` : 'nothing to observe',
    ...suspension,
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
