import type { RunFailure } from '@gort-backstage/plugin-gort-common';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';

/**
 * Flux retries a failed attempt on its own, so by the time evidence is read
 * the object may already say `Progressing` again. The run recorded what failed
 * for its commit; diagnose that attempt: put the recorded Ready=False back on
 * the object's snapshot when the live one no longer shows it.
 */
export function withRecordedFailure(objects: KubeObject[], failure: RunFailure | undefined): KubeObject[] {
  if (!failure) return objects;
  const ref = failure.object.replace(/^[^:/]+:/, '');
  return objects.map(object => {
    if (`${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}` !== ref) return object;
    const conditions: any[] = Array.isArray(object.status?.conditions) ? object.status.conditions : [];
    const ready = conditions.find(c => c?.type === 'Ready');
    const stalled = conditions.find(c => c?.type === 'Stalled' && c?.status === 'True');
    if (ready?.status === 'False' || stalled) return object;
    const recorded = {
      type: 'Ready',
      status: 'False',
      reason: failure.reason,
      message: failure.message,
      lastTransitionTime: ready?.lastTransitionTime ?? new Date().toISOString(),
    };
    return {
      ...object,
      status: {
        ...object.status,
        conditions: [...conditions.filter(c => c?.type !== 'Ready' && c?.type !== 'Reconciling'), recorded],
      },
    };
  });
}
