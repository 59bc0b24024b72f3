import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeApiServer, startKubeApiServer } from '../kube/server';
import { createSelfSignedCertificate } from '../kube/tls';
import { demoFluxObjects } from './demo';
import { REQUESTED_AT } from './gitRepositoryReconciler';
import { SCENARIOS } from './scenarios';
import { readRepoFiles } from './seed';
import { FluxSimulation, startFluxSimulation } from './simulation';
import { findKubectl } from './kustomizeBuild';
import {
  createTestGitRepository,
  TestGitRepository,
} from './testGitRepository';
import { waitFor } from './testWaitFor';

const run = promisify(execFile);
const KUBECTL = findKubectl();
const token = 'sim-token';

let api: KubeApiServer;
let sim: FluxSimulation;
let repo: TestGitRepository;
let home: string;

// kubectl must run asynchronously: the API server lives in this process.
async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(
    KUBECTL!,
    [
      '--server',
      api.url,
      '--token',
      token,
      '--certificate-authority',
      join(home, 'ca.pem'),
      '--cache-dir',
      join(home, 'cache'),
      ...args,
    ],
    {
      env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'config') },
      timeout: 20_000,
    },
  );
  return stdout;
}

jest.setTimeout(30_000);

if (!KUBECTL) {
  // eslint-disable-next-line no-console
  console.warn(
    'kubectl over the Flux simulation: skipped, kubectl is not on PATH',
  );
}

(KUBECTL ? describe : describe.skip)('kubectl over the Flux simulation', () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubectl-sim-'));
    writeFileSync(join(home, 'config'), '');
    const tls = await createSelfSignedCertificate();
    writeFileSync(join(home, 'ca.pem'), tls.cert);
    repo = await createTestGitRepository();
    api = await startKubeApiServer({ port: 0, token, tls });
    for (const o of demoFluxObjects({
      url: 'https://github.com/example/podinfo-gitops',
    }))
      api.store.create(o, o);
    sim = startFluxSimulation({
      store: api.store,
      resolveRepoDir: () => repo.gitDir,
      tickMs: 50,
      healthCheckCapMs: 1_500,
    });
  });

  afterAll(async () => {
    await sim.stop();
    await api.close();
    await repo.cleanup();
    rmSync(home, { recursive: true, force: true });
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
