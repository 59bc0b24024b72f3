import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from './sandbox';

const kustomization = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

describe('sandbox clusters', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gort-sandbox-clusters-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts one Kubernetes API and Flux per cluster, each on its own folder of the shared repository', async () => {
    const sandbox = await startSandbox({
      dataDir: dir,
      kubePort: 0,
      githubPort: 0,
      anthropicPort: 0,
      clusters: [{ name: 'staging' }, { name: 'prod', path: './clusters/prod/podinfo' }],
    });
    try {
      expect(sandbox.clusters.map(c => [c.name, c.path])).toEqual([
        ['staging', 'clusters/staging/podinfo'],
        ['prod', 'clusters/prod/podinfo'],
      ]);
      expect(new Set(sandbox.clusters.map(c => c.kubeUrl)).size).toBe(2);
      expect(sandbox.kubeUrl).toBe(sandbox.cluster('staging').kubeUrl);
      const prod = sandbox.cluster('prod').kube.store.tryGet(kustomization, 'flux-system', 'podinfo');
      expect(prod?.spec).toMatchObject({ path: './clusters/prod/podinfo', postBuild: { substitute: { CLUSTER_NAME: 'prod' } } });
      const files = await sandbox.git.readTree('acme', 'podinfo-gitops', 'main', 'clusters');
      const paths = (files ?? []).map(f => f.path);
      expect(paths).toEqual(expect.arrayContaining(['clusters/staging/podinfo/deployment.yaml', 'clusters/prod/podinfo/deployment.yaml']));
      expect(() => sandbox.cluster('edge')).toThrow('the sandbox has no cluster "edge" (it has staging, prod)');
    } finally {
      await sandbox.close();
    }
  });

  it('adds the folder of a cluster the existing repository lacks, in one commit', async () => {
    const first = await startSandbox({ dataDir: dir, kubePort: 0, githubPort: 0, anthropicPort: 0 });
    await first.close();
    const again = await startSandbox({
      dataDir: dir,
      kubePort: 0,
      githubPort: 0,
      anthropicPort: 0,
      clusters: [{ name: 'demo' }, { name: 'edge' }],
    });
    try {
      const demo = again.cluster('demo').kube.store.tryGet(kustomization, 'flux-system', 'podinfo');
      expect(demo?.spec?.path).toBe('./clusters/demo/podinfo');
      const file = await again.git.readFile('acme', 'podinfo-gitops', 'main', 'clusters/edge/podinfo/kustomization.yaml');
      expect(file?.content.toString()).toContain('deployment.yaml');
    } finally {
      await again.close();
    }
  });
});
