import type { FluxObjectState } from '@gort-backstage/plugin-gort-common';
import { findCondition, KubeObject } from '../kube/objects';
import { conditionIsCurrent, statusObservedCurrent } from './freshness';

/**
 * One word for a Flux object's live state. The controllers keep
 * Reconciling=True (ProgressingWithRetry) while they retry a failure, so a
 * current Ready=False wins over Reconciling: a failing object is shown as
 * failing, with its reason. A Ready condition from an older spec (its own
 * observedGeneration behind) is still reconciling.
 * upstream: fluxcd/kustomize-controller@186fb3b29138ce82ff61ba1a9370b96a3dd598fe:internal/controller/kustomization_controller.go#L1308-L1316
 */
export function fluxObjectState(object: KubeObject | undefined): {
  state: FluxObjectState;
  reason?: string;
  message?: string;
} {
  if (!object) return { state: 'not_found' };
  const ready = findCondition(object, 'Ready');
  const stalled = findCondition(object, 'Stalled');
  const detail = { reason: ready?.reason, message: ready?.message };
  if (object.spec?.suspend === true) return { state: 'suspended', ...detail };
  if (stalled?.status === 'True' && conditionIsCurrent(object, stalled)) {
    return { state: 'stalled', reason: stalled.reason, message: stalled.message };
  }
  if (!ready) return { state: statusObservedCurrent(object) ? 'unknown' : 'reconciling' };
  if (!conditionIsCurrent(object, ready)) return { state: 'reconciling', ...detail };
  if (ready?.status === 'False') {
    // Between remediation attempts Ready shows the remediation; the error is in Released/TestSuccess.
    const released = findCondition(object, 'TestSuccess')?.status === 'False'
      ? findCondition(object, 'TestSuccess')
      : findCondition(object, 'Released');
    const cause = released?.status === 'False' && conditionIsCurrent(object, released) ? released : ready;
    return { state: 'failed', reason: cause.reason, message: cause.message };
  }
  if (ready?.status === 'True') return { state: 'ready', ...detail };
  return { state: 'reconciling', ...detail };
}
