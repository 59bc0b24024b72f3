import { failingContainers, inventoryWorkloads, parseInventoryId, podSelectorOf } from './inventory';

describe('inventory helpers', () => {
  it('parses Flux inventory ids', () => {
    expect(parseInventoryId('podinfo_podinfo_apps_Deployment')).toEqual({ namespace: 'podinfo', name: 'podinfo', group: 'apps', kind: 'Deployment' });
    expect(parseInventoryId('_podinfo__Namespace')).toEqual({ namespace: '', name: 'podinfo', group: '', kind: 'Namespace' });
    expect(parseInventoryId('nonsense')).toBeUndefined();
  });

  it('picks the workloads of an inventory', () => {
    const ks = {
      kind: 'Kustomization',
      metadata: { name: 'x' },
      status: {
        inventory: {
          entries: [
            { id: '_podinfo__Namespace', v: 'v1' },
            { id: 'podinfo_podinfo_apps_Deployment', v: 'v1' },
            { id: 'podinfo_migrate_batch_Job', v: 'v1' },
            { id: 'podinfo_podinfo__Service', v: 'v1' },
          ],
        },
      },
    };
    expect(inventoryWorkloads(ks, 10).map(w => `${w.apiVersion} ${w.kind} ${w.name}`)).toEqual([
      'apps/v1 Deployment podinfo',
      'batch/v1 Job migrate',
    ]);
    expect(inventoryWorkloads(ks, 1)).toHaveLength(1);
  });

  it('builds the pod selector of a workload', () => {
    expect(podSelectorOf({ kind: 'Deployment', metadata: { name: 'a' }, spec: { selector: { matchLabels: { app: 'podinfo', tier: 'web' } } } })).toBe('app=podinfo,tier=web');
    expect(podSelectorOf({ kind: 'Deployment', metadata: { name: 'a' }, spec: {} })).toBeUndefined();
  });

  it('finds containers whose logs matter, and asks for the previous one after a restart', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns' },
      status: {
        containerStatuses: [
          { name: 'ok', restartCount: 0, state: { running: {} } },
          { name: 'crash', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } },
          { name: 'pull', restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } },
        ],
      },
    };
    expect(failingContainers(pod)).toEqual([
      { pod: 'p', namespace: 'ns', container: 'crash', previous: true, reason: 'CrashLoopBackOff' },
    ]);
  });
});
