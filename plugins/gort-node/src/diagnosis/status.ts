import { Condition, findCondition, KubeObject } from '../kube/objects';
import { conditionIsCurrent } from '../reconcile/freshness';

export interface FluxStatus {
  ready: 'True' | 'False' | 'Unknown' | undefined;
  stalled: boolean;
  reconciling: boolean;
  /**
   * False when the condition that explains the object (the failure, else
   * Ready) is from an older spec; see reconcile/freshness.ts for the one
   * meaning of a missing observedGeneration.
   */
  observedCurrentGeneration: boolean;
  /** The condition that best explains a failure (Ready=False, else Stalled=True). */
  failure?: Condition;
  /** Stalled=True when it is not already the failure condition (e.g. RetriesExceeded). */
  stalledCondition?: Condition;
}

function asConditionStatus(value: unknown): FluxStatus['ready'] {
  return value === 'True' || value === 'False' || value === 'Unknown'
    ? value
    : undefined;
}

export function readFluxStatus(obj: KubeObject): FluxStatus {
  const ready = findCondition(obj, 'Ready');
  const stalled = findCondition(obj, 'Stalled');
  const reconciling = findCondition(obj, 'Reconciling');
  const isStalled = stalled?.status === 'True';
  const readyStatus = asConditionStatus(ready?.status);
  let failure: Condition | undefined;
  if (readyStatus === 'False') failure = ready;
  else if (isStalled) failure = stalled;
  return {
    ready: readyStatus,
    stalled: isStalled,
    reconciling: reconciling?.status === 'True',
    // The failure's own observedGeneration says whether it describes the
    // current spec (status.observedGeneration lags on retryable failures).
    observedCurrentGeneration: conditionIsCurrent(obj, failure ?? ready ?? stalled ?? {}),
    failure,
    stalledCondition: isStalled && failure !== stalled ? stalled : undefined,
  };
}

/** Ready=False or Stalled=True. */
export function isFailing(obj: KubeObject): boolean {
  return readFluxStatus(obj).failure !== undefined;
}

export function isReady(obj: KubeObject): boolean {
  return readFluxStatus(obj).ready === 'True';
}
