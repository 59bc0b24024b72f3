import { FluxReconcileRequester } from './FluxReconcileRequester';
import { ClusterReader } from './FluxClusterClient';

describe('FluxReconcileRequester', () => {
  it('asks for the source then the object, once per object and commit', async () => {
    const patched: string[] = [];
    const reader = {
      requestReconcile: async (apiVersion: string, kind: string, ns: string, name: string, at: Date) => {
        patched.push(`${apiVersion} ${kind} ${ns}/${name} ${at.toISOString()}`);
      },
    } as unknown as ClusterReader;
    let now = new Date('2026-11-23T10:00:00Z');
    const requester = new FluxReconcileRequester(c => (c === 'demo' ? reader : undefined), () => now, 10_000);
    const source = { cluster: 'demo', kind: 'GitRepository', namespace: 'flux-system', name: 'flux-system' };
    const app = (name: string) => ({ cluster: 'demo', kind: 'Kustomization', namespace: 'flux-system', name });

    await requester.request([source, app('a')], 'sha-1');
    await requester.request([source, app('b')], 'sha-1');
    await requester.request([{ ...source, cluster: 'elsewhere' }, { ...app('c'), kind: 'Unknown' }], 'sha-1');
    expect(patched).toEqual([
      'source.toolkit.fluxcd.io/v1 GitRepository flux-system/flux-system 2026-11-23T10:00:00.000Z',
      'kustomize.toolkit.fluxcd.io/v1 Kustomization flux-system/a 2026-11-23T10:00:00.000Z',
      'kustomize.toolkit.fluxcd.io/v1 Kustomization flux-system/b 2026-11-23T10:00:00.000Z',
    ]);
    // a newer push asks again at once
    await requester.request([source], 'sha-2');
    expect(patched).toHaveLength(4);
    now = new Date('2026-11-23T10:00:11Z');
    await requester.request([source], 'sha-1');
    expect(patched).toHaveLength(5);
  });
});
