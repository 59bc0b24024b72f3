import { mockServices } from '@backstage/backend-test-utils';
import { KubeApiServer, KubeStore, startKubeApiServer } from '@gort-backstage/sandbox';
import { judgeRunObject } from '../runs/judgeRunObject';
import { ClusterDefinition } from './clusters';
import { FluxObserver } from './FluxObserver';

const token = 'problem-test-token';
const SHA = '0123456789abcdef0123456789abcdef01234567';

async function eventually(check: () => boolean, what: string) {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise(resolve => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function withKustomization(store: KubeStore) {
  const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };
  store.create({ apiVersion: 'v1', kind: 'Namespace' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  store.create(ks, {
    ...ks,
    metadata: { name: 'podinfo', namespace: 'flux-system' },
    spec: { interval: '5m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
  });
}

describe('FluxObserver cluster problems, per cluster', () => {
  let staging: KubeApiServer;
  let prod: KubeApiServer;
  let observer: FluxObserver;
  const watched = (cluster: string) => ({ cluster, kind: 'Kustomization' as const, namespace: 'flux-system', name: 'podinfo' });

  beforeEach(async () => {
    staging = await startKubeApiServer({ port: 0, token });
    prod = await startKubeApiServer({ port: 0, token });
    withKustomization(staging.store);
    withKustomization(prod.store);
  });

  afterEach(async () => {
    await observer?.stop();
    await staging.close();
    await prod.close().catch(() => {});
  });

  const start = async (clusters: ClusterDefinition[]) => {
    observer = new FluxObserver({ clusters, logger: mockServices.logger.mock(), minBackoffMs: 20, maxBackoffMs: 50 });
    await observer.start();
  };
  const definition = (name: string, api: KubeApiServer, withToken = token): ClusterDefinition => ({
    name,
    origin: 'test',
    connection: { type: 'url', url: api.url, token: withToken, skipTLSVerify: true },
  });

  // Reconnection after the API comes back is covered end to end (e2e multiCluster.test.ts, pipeline.test.ts).
  it('reports an unreachable cluster for its own objects only', async () => {
    await start([definition('staging', staging), definition('prod', prod)]);
    await eventually(() => observer.isSynced('staging', 'Kustomization') && observer.isSynced('prod', 'Kustomization'), 'both watches');
    await prod.close();
    await eventually(() => observer.clusterProblem('prod', 'Kustomization') !== undefined, 'prod reported');
    expect(observer.clusterProblem('prod', 'Kustomization')).toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/^cluster prod unreachable since \d\d:\d\d UTC/),
    });
    expect(observer.clusterProblem('staging', 'Kustomization')).toBeUndefined();
    const judged = judgeRunObject(watched('prod'), SHA, observer, new Date());
    expect(judged).toMatchObject({ state: 'unreachable', cluster: 'prod', clusterProblem: 'unreachable' });
    expect(judgeRunObject(watched('staging'), SHA, observer, new Date()).state).not.toBe('unreachable');
  });

  it('tells a cluster that refuses GORT\'s token (401) apart', async () => {
    await start([definition('staging', staging), definition('prod', prod, 'not-the-token')]);
    await eventually(() => observer.clusterProblem('prod', 'Kustomization') !== undefined, 'prod reported');
    expect(observer.clusterProblem('prod', 'Kustomization')).toMatchObject({
      kind: 'unauthorized',
      message: expect.stringMatching(/^cluster prod refuses GORT's credentials \(401 Unauthorized\) since \d\d:\d\d UTC$/),
    });
    await eventually(() => observer.isSynced('staging', 'Kustomization'), 'staging');
    expect(observer.clusterProblem('staging', 'Kustomization')).toBeUndefined();
  });
});
