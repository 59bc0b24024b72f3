import {
  ACTIVE_RUN_STATES,
  FluxObjectState,
  FluxObjectStatus,
  RunState,
  RunSummary,
} from '@gort-backstage/plugin-gort-common';

/** Which core-components status icon goes with a state. */
export type StatusKind =
  | 'ok'
  | 'error'
  | 'warning'
  | 'pending'
  | 'running'
  | 'aborted';

export interface StatusPresentation {
  kind: StatusKind;
  label: string;
}

export const FLUX_OBJECT_STATES: Record<FluxObjectState, StatusPresentation> = {
  ready: { kind: 'ok', label: 'Ready' },
  reconciling: { kind: 'running', label: 'Reconciling' },
  failed: { kind: 'error', label: 'Failed' },
  stalled: { kind: 'error', label: 'Stalled' },
  suspended: { kind: 'aborted', label: 'Suspended' },
  not_found: { kind: 'warning', label: 'Not found' },
  unknown: { kind: 'pending', label: 'Unknown' },
};

/** Worst first: the order an on-call engineer wants to see them in. */
const SEVERITY: FluxObjectState[] = [
  'failed',
  'stalled',
  'not_found',
  'reconciling',
  'unknown',
  'suspended',
  'ready',
];

export function compareFluxStates(
  a: FluxObjectState,
  b: FluxObjectState,
): number {
  return SEVERITY.indexOf(a) - SEVERITY.indexOf(b);
}

/** The state of an entity as a whole: the worst of its objects. */
export function worstFluxState(objects: FluxObjectStatus[]): FluxObjectState {
  if (objects.length === 0) {
    return 'unknown';
  }
  return objects.map(o => o.state).sort(compareFluxStates)[0];
}

const RUN_STATES: Record<RunState, StatusPresentation> = {
  queued: { kind: 'pending', label: 'Queued' },
  waiting_for_source: { kind: 'running', label: 'Waiting for source' },
  reconciling: { kind: 'running', label: 'Reconciling' },
  succeeded: { kind: 'ok', label: 'Succeeded' },
  failed: { kind: 'error', label: 'Failed' },
  timed_out: { kind: 'error', label: 'Timed out' },
  diagnosing: { kind: 'running', label: 'Diagnosing' },
  validating: { kind: 'running', label: 'Validating intent' },
  done: { kind: 'ok', label: 'Done' },
  superseded: { kind: 'aborted', label: 'Superseded' },
  error: { kind: 'warning', label: 'GORT error' },
};

export function runStatePresentation(state: RunState): StatusPresentation {
  return RUN_STATES[state];
}

/**
 * What a run amounts to: its outcome once known (a `done` run shows how it
 * ended), otherwise the state it is in.
 */
/** Outcomes that are not also run states. */
const OUTCOMES_ONLY: Record<'suspended' | 'unobservable' | 'partial', StatusPresentation> = {
  suspended: { kind: 'aborted', label: 'Suspended' },
  unobservable: { kind: 'warning', label: 'Cannot be tracked' },
  /** Some clusters could not be read: their objects were not judged. */
  partial: { kind: 'warning', label: 'Partly judged' },
};

export function runPresentation(
  run: Pick<RunSummary, 'state' | 'outcome'>,
): StatusPresentation {
  if (run.outcome && run.state === 'done') {
    return run.outcome === 'suspended' || run.outcome === 'unobservable' || run.outcome === 'partial'
      ? OUTCOMES_ONLY[run.outcome]
      : RUN_STATES[run.outcome];
  }
  return RUN_STATES[run.state];
}

export function isRunActive(run?: Pick<RunSummary, 'state'>): boolean {
  return Boolean(run && ACTIVE_RUN_STATES.includes(run.state));
}
