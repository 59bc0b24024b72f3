import { KubeApiServer, startKubeApiServer } from '../kube/server';
import { createKubectlHome, KUBECTL, KubectlHome } from '../kube/testKubectl';
import { demoFluxObjects } from './demo';
import { REQUESTED_AT } from './gitRepositoryReconciler';
import { SCENARIOS } from './scenarios';
import { readRepoFiles } from './seed';
import { FluxSimulation, startFluxSimulation } from './simulation';
import {
  createTestGitRepository,
  TestGitRepository,
} from './testGitRepository';
import { waitFor } from './testWaitFor';

const token = 'sim-token';

let api: KubeApiServer;
let sim: FluxSimulation;
let repo: TestGitRepository;
let home: KubectlHome;

const kubectl = (...args: string[]) => home.run(api.url, token, ...args);

jest.setTimeout(30_000);

if (!KUBECTL) {
  // eslint-disable-next-line no-console
  console.warn(
    'kubectl over the Flux simulation: skipped, kubectl is not on PATH',
  );
}

(KUBECTL ? describe : describe.skip)('kubectl over the Flux simulation', () => {
  beforeAll(async () => {
    home = await createKubectlHome('kubectl-sim-');
    repo = await createTestGitRepository();
    api = await startKubeApiServer({ port: 0, token, tls: home.tls });
    for (const o of demoFluxObjects({
      url: 'https://github.com/example/podinfo-gitops',
    }))
      api.store.create(o, o);
    sim = startFluxSimulation({
      store: api.store,
      resolveRepoDir: () => repo.gitDir,
      tickMs: 50,
      // wall-clock health checks: room for a healthy rollout under load
      healthCheckCapMs: 6_000,
    });
  });

  afterAll(async () => {
    await sim.stop();
    await api.close();
    await repo.cleanup();
    home.cleanup();
  });

  it('shows a crash-looping rollout the way a real cluster does', async () => {
    const seed = await readRepoFiles();
    await repo.commit(seed, 'seed');
    await kubectl(
      'annotate',
      '--overwrite',
      '-n',
      'flux-system',
      'gitrepository/flux-system',
      `${REQUESTED_AT}=first`,
    );
    await waitFor(
      'seed applied',
      () =>
        api.store.get(
          {
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
          },
          'flux-system',
          'podinfo',
        ).status?.lastAppliedRevision,
    );

    const sha = await repo.commit(
      SCENARIOS.crashloop.apply(seed, { seed }),
      SCENARIOS.crashloop.commitMessage,
    );
    await kubectl(
      'annotate',
      '--overwrite',
      '-n',
      'flux-system',
      'gitrepository/flux-system',
      `${REQUESTED_AT}=second`,
    );
    await waitFor('health check failure', () => {
      const ks = api.store.get(
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
        },
        'flux-system',
        'podinfo',
      );
      return (
        ks.status?.lastAttemptedRevision === `main@sha1:${sha}` &&
        ks.status.conditions[0].reason === 'HealthCheckFailed'
      );
    });

    expect(await kubectl('get', 'kustomizations', '-A')).toMatch(
      /flux-system\s+podinfo\s+\S+\s+False\s+health check failed after/,
    );
    const pods = await kubectl('get', 'pods', '-n', 'podinfo');
    expect(pods).toMatch(/podinfo-\S+\s+0\/1\s+CrashLoopBackOff\s+\d+/);
    expect(pods).toMatch(/podinfo-\S+\s+1\/1\s+Running\s+0/);
    const crashing = /(podinfo-\S+)\s+0\/1\s+CrashLoopBackOff/.exec(pods)![1];
    const described = await kubectl(
      'describe',
      'pod',
      '-n',
      'podinfo',
      crashing,
    );
    expect(described).toMatch(/State:\s+Waiting\s+Reason:\s+CrashLoopBackOff/);
    expect(described).toMatch(
      /Last State:\s+Terminated\s+Reason:\s+Error\s+Exit Code:\s+2/,
    );
    expect(described).toMatch(
      /Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container podinfo in pod/,
    );
    expect(
      await kubectl('logs', '-n', 'podinfo', crashing, '--previous'),
    ).toMatch(/^Error: unknown flag: --trace-requests\n/);
    const ks = await kubectl(
      'describe',
      'kustomization',
      '-n',
      'flux-system',
      'podinfo',
    );
    expect(ks).toMatch(
      /Warning\s+HealthCheckFailed\s+.*kustomize-controller\s+health check failed after/,
    );
  });
});
