import { mockServices } from '@backstage/backend-test-utils';
import { KubeApiServer, RESOURCE_TYPES, startKubeApiServer } from '@gort-backstage/sandbox';
import type { RunStore } from '../database/RunStore';
import type { WatcherStore } from '../database/WatcherStore';
import { judgeRunObject } from '../runs/judgeRunObject';
import { GortStatusService } from '../service/GortStatusService';
import { ClusterDefinition, kubeConfigFor } from './clusters';
import { FluxClusterClient } from './FluxClusterClient';
import { FluxObserver } from './FluxObserver';
import { FluxReconcileRequester } from './FluxReconcileRequester';

const token = 'observer-test-token';
const SHA = '0123456789abcdef0123456789abcdef01234567';

/**
 * A cluster of an older Flux without helm-controller: source.toolkit.fluxcd.io
 * serves OCIRepository at v1beta2 only (v1 from Flux 2.6) and there is no
 * helm.toolkit.fluxcd.io group at all.
 */
const olderFluxWithoutHelm = RESOURCE_TYPES.filter(t => t.group !== 'helm.toolkit.fluxcd.io').map(t =>
  t.kind === 'OCIRepository' ? { ...t, versions: ['v1beta2'] } : t,
);

async function eventually(check: () => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise(resolve => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('FluxObserver served-version discovery', () => {
  let api: KubeApiServer;
  let observer: FluxObserver;
  let cluster: ClusterDefinition;

  beforeEach(async () => {
    api = await startKubeApiServer({ port: 0, token, resourceTypes: olderFluxWithoutHelm });
    api.store.create({ apiVersion: 'v1', kind: 'Namespace' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    const oci = { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'OCIRepository' };
    api.store.create(oci, {
      ...oci,
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: { interval: '1m', url: 'oci://ghcr.io/stefanprodan/manifests/podinfo', ref: { tag: 'latest' } },
    });
    const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };
    api.store.create(ks, {
      ...ks,
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { interval: '5m', path: './', prune: true, sourceRef: { kind: 'OCIRepository', name: 'podinfo' } },
    });
    cluster = { name: 'older', origin: 'test', connection: { type: 'url', url: api.url, token, skipTLSVerify: true } };
    observer = new FluxObserver({ clusters: [cluster], logger: mockServices.logger.mock(), minBackoffMs: 20, maxBackoffMs: 50 });
    await observer.start();
    await eventually(() => observer.isSynced('older', 'OCIRepository') && observer.isSynced('older', 'Kustomization'), 'the watches to sync');
  });

  afterEach(async () => {
    await observer.stop();
    await api.close();
  });

  it('watches OCIRepository at v1beta2 when the cluster serves it only there', () => {
    expect(observer.servedSpec('older', 'OCIRepository')?.version).toBe('v1beta2');
    expect(observer.servedSpec('older', 'GitRepository')?.version).toBe('v1');
    expect(observer.list('older', 'OCIRepository').map(o => o.metadata?.name)).toEqual(['podinfo']);
    expect(observer.status().map(s => s.kind)).not.toContain('HelmRelease');
  });

  it('ends a HelmRelease run at once with the reason when the cluster has no helm-controller', () => {
    expect(observer.notServed('older', 'HelmRelease')).toMatch(/helm-controller is not installed/);
    const verdict = judgeRunObject({ cluster: 'older', kind: 'HelmRelease', namespace: 'flux-system', name: 'podinfo' }, SHA, observer, new Date());
    expect(verdict).toMatchObject({ state: 'unobservable', because: 'kind-not-served' });
    expect(verdict.detail).toMatch(/HelmRelease flux-system\/podinfo cannot be read in cluster older: .*helm-controller is not installed/);
    // A Kustomization reading an OCIRepository served at v1beta2 is judged as usual.
    const ks = judgeRunObject({ cluster: 'older', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, SHA, observer, new Date());
    expect(ks.because).toBeUndefined();
    expect(ks.sourceLocation).toMatchObject({ kind: 'OCIRepository', name: 'podinfo' });
    // The entity tab says the same about the object.
    const status = new GortStatusService({
      watcherStore: {} as WatcherStore,
      runStore: {} as RunStore,
      lookup: observer,
      defaultTimeoutMs: 60_000,
    });
    const [hr] = status.objectStatuses({
      entityRef: 'component:default/podinfo',
      objects: [{ cluster: 'older', kind: 'HelmRelease', namespace: 'flux-system', name: 'podinfo' }],
    } as Parameters<GortStatusService['objectStatuses']>[0]);
    expect(hr).toMatchObject({ state: 'unknown', message: expect.stringMatching(/does not serve HelmRelease: .*helm-controller is not installed/) });
  });

  it('asks for a reconcile at the served version and skips kinds the cluster does not serve', async () => {
    const reader = new FluxClusterClient(kubeConfigFor(cluster));
    const requester = new FluxReconcileRequester(() => reader, () => new Date('2026-12-01T10:00:00Z'), 10_000, observer);
    await requester.request(
      [
        { cluster: 'older', kind: 'OCIRepository', namespace: 'flux-system', name: 'podinfo' },
        { cluster: 'older', kind: 'HelmRelease', namespace: 'flux-system', name: 'podinfo' },
      ],
      SHA,
    );
    const patched = api.store.get({ apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'OCIRepository' }, 'flux-system', 'podinfo');
    expect(patched.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBe('2026-12-01T10:00:00.000Z');
  });
});
