import type { FluxObjectState } from '@gort-backstage/plugin-gort-common';
import { readFluxStatus } from '../diagnosis/status';
import { KubeObject } from '../kube/objects';

/**
 * One word for a Flux object's live state, with `observedGeneration` and
 * `Stalled` taken into account (a Ready=True left from an older spec is
 * still reconciling).
 */
export function fluxObjectState(object: KubeObject | undefined): {
  state: FluxObjectState;
  reason?: string;
  message?: string;
} {
  if (!object) return { state: 'not_found' };
  const status = readFluxStatus(object);
  const ready = (object.status?.conditions ?? []).find((c: any) => c?.type === 'Ready');
  const detail = { reason: ready?.reason, message: ready?.message };
  if (object.spec?.suspend === true) return { state: 'suspended', ...detail };
  if (status.stalled) {
    const stalled = status.stalledCondition ?? status.failure;
    return { state: 'stalled', reason: stalled?.reason, message: stalled?.message };
  }
  if (!status.observedCurrentGeneration || status.reconciling || status.ready === 'Unknown') {
    return { state: 'reconciling', ...detail };
  }
  if (status.ready === 'True') return { state: 'ready', ...detail };
  if (status.ready === 'False') return { state: 'failed', ...detail };
  return { state: 'unknown', ...detail };
}
