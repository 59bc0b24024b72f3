import * as k8s from '@kubernetes/client-node';
import { startKubeApiServer, KubeApiServer } from '../kube/server';
import { demoFluxObjects } from './demo';
import { REQUESTED_AT } from './gitRepositoryReconciler';
import { readRepoFiles } from './seed';
import { FluxSimulation, startFluxSimulation } from './simulation';
import {
  createTestGitRepository,
  TestGitRepository,
} from './testGitRepository';
import { waitFor } from './testWaitFor';

const URL = 'https://github.com/example/podinfo-gitops';
const token = 'informer-token';

let api: KubeApiServer;
let sim: FluxSimulation;
let repo: TestGitRepository;

beforeAll(async () => {
  repo = await createTestGitRepository();
  api = await startKubeApiServer({ port: 0, token });
  for (const o of demoFluxObjects({ url: URL })) api.store.create(o, o);
  sim = startFluxSimulation({
    store: api.store,
    resolveRepoDir: u => (u === URL ? repo.gitDir : undefined),
    tickMs: 40,
    // wall-clock health checks: room for a healthy rollout under load
    healthCheckCapMs: 6_000,
  });
});

afterAll(async () => {
  await sim.stop();
  await api.close();
  await repo.cleanup();
});

function kubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sandbox', server: api.url, skipTLSVerify: true }],
    users: [{ name: 'gort', token }],
    contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'gort' }],
    currentContext: 'sandbox',
  });
  return kc;
}

// The waits below allow the simulated Flux 25 s (git, and health checks of up
// to 6 s); Jest's default 5 s limit was shorter than that.
jest.setTimeout(30_000);

describe('@kubernetes/client-node against the API stand-in', () => {
  it('informs about a Kustomization going Progressing → Ready for the pushed sha', async () => {
    const kc = kubeConfig();
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const path = '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations';
    const informer = k8s.makeInformer<k8s.KubernetesObject & { status?: any }>(
      kc,
      path,
      () =>
        custom.listClusterCustomObject({
          group: 'kustomize.toolkit.fluxcd.io',
          version: 'v1',
          plural: 'kustomizations',
        }) as any,
    );
    const seen: Array<{
      type: string;
      ready?: string;
      reason?: string;
      revision?: string;
    }> = [];
    const record = (type: string) => (obj: any) => {
      const ready = (obj.status?.conditions ?? []).find(
        (c: any) => c.type === 'Ready',
      );
      seen.push({
        type,
        ready: ready?.status,
        reason: ready?.reason,
        revision: obj.status?.lastAppliedRevision,
      });
    };
    informer.on('add', record('ADDED'));
    informer.on('update', record('MODIFIED'));
    await informer.start();
    try {
      const sha = await repo.commit(await readRepoFiles(), 'Add podinfo');
      const core = kc.makeApiClient(k8s.CustomObjectsApi);
      await core.patchNamespacedCustomObject(
        {
          group: 'source.toolkit.fluxcd.io',
          version: 'v1',
          namespace: 'flux-system',
          plural: 'gitrepositories',
          name: 'flux-system',
          body: { metadata: { annotations: { [REQUESTED_AT]: 'now' } } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await waitFor('Ready at the sha', () =>
        seen.find(s => s.ready === 'True' && s.revision === `main@sha1:${sha}`),
      );
      expect(seen[0].type).toBe('ADDED');
      const progressing = seen.findIndex(
        s => s.ready === 'Unknown' && s.reason === 'Progressing',
      );
      const readyAt = seen.findIndex(s => s.ready === 'True');
      expect(progressing).toBeGreaterThanOrEqual(0);
      expect(readyAt).toBeGreaterThan(progressing);
      expect(seen[readyAt]).toMatchObject({
        type: 'MODIFIED',
        reason: 'ReconciliationSucceeded',
      });
      expect(informer.list('flux-system')).toHaveLength(1);
    } finally {
      await informer.stop();
    }
  });

  it('reads pod logs and events through the typed clients', async () => {
    const kc = kubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const pods = await waitFor('pods', () =>
      api.store
        .list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'podinfo' })
        .items.find(p => p.status?.phase === 'Running'),
    );
    const log = await core.readNamespacedPodLog({
      name: pods.metadata.name!,
      namespace: 'podinfo',
      container: 'podinfo',
      tailLines: 5,
    });
    expect(log).toContain('Starting podinfo');
    const events = await core.listNamespacedEvent({
      namespace: 'flux-system',
      fieldSelector:
        'involvedObject.kind=Kustomization,involvedObject.name=podinfo',
    });
    expect(events.items.map(e => e.reason)).toContain(
      'ReconciliationSucceeded',
    );
    await expect(core.readNamespace({ name: 'nope' })).rejects.toMatchObject({
      code: 404,
    });
  });
});
