import { KubeStore } from '../kube/store';
import { KubeObject } from '../kube/types';
import { demoFluxObjects } from './demo';
import { REQUESTED_AT } from './gitRepositoryReconciler';
import { RepoFiles, SCENARIOS } from './scenarios';
import { readRepoFiles } from './seed';
import {
  FluxSimulation,
  FluxSimulationOptions,
  startFluxSimulation,
} from './simulation';
import {
  createTestGitRepository,
  TestGitRepository,
} from './testGitRepository';
import { waitFor } from './testWaitFor';

const URL = 'https://github.com/example/fleet';
const KS = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
};
const GITREPO = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
};
const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' };
const HELMREPO = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmRepository',
};
const EVENT = { apiVersion: 'v1', kind: 'Event' };
const SERVICE = { apiVersion: 'v1', kind: 'Service' };
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };

jest.setTimeout(30_000);

let store: KubeStore;
let sim: FluxSimulation;
let repo: TestGitRepository;
let seed: RepoFiles;

async function setup(
  overrides: Partial<FluxSimulationOptions> = {},
  objects?: KubeObject[],
) {
  seed = await readRepoFiles();
  repo = await createTestGitRepository();
  store = new KubeStore();
  for (const o of objects ?? demoFluxObjects({ url: URL })) store.create(o, o);
  sim = startFluxSimulation({
    store,
    resolveRepoDir: url => (url === URL ? repo.gitDir : undefined),
    tickMs: 40,
    // Health checks wait in wall-clock time while the simulated rollout moves
    // in ticks: on a loaded 2-core machine a healthy rollout needed more than
    // 1.5 s, and the check failed it. Failure scenarios wait out the full cap.
    healthCheckCapMs: 6_000,
    dependencyRequeueMs: 100,
    ...overrides,
  });
}

async function teardown() {
  await sim.stop();
  await repo.cleanup();
}

const ready = (o: KubeObject | undefined) =>
  (o?.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
const ks = (name = 'podinfo') => store.get(KS, 'flux-system', name);

function requestFetch() {
  store.patch(GITREPO, 'flux-system', 'flux-system', 'merge', {
    metadata: { annotations: { [REQUESTED_AT]: String(Date.now()) } },
  });
}

describe('GitRepository', () => {
  afterEach(teardown);

  it('reports an unknown branch in source-controller wording and recovers when it appears', async () => {
    const objects = demoFluxObjects({ url: URL, branch: 'release' });
    await setup({}, objects);
    await repo.commit(seed, 'seed');
    const failed = await waitFor('GitOperationFailed', () => {
      const r = ready(store.get(GITREPO, 'flux-system', 'flux-system'));
      return r?.status === 'False' && r;
    });
    expect(failed).toMatchObject({
      reason: 'GitOperationFailed',
      message: `failed to checkout and determine revision: unable to clone '${URL}': couldn't find remote ref "refs/heads/release"`,
    });
    expect(
      store.get(GITREPO, 'flux-system', 'flux-system').status.conditions,
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FetchFailed', status: 'True' }),
      ]),
    );
    const k = await waitFor(
      'ArtifactFailed on the Kustomization',
      () => ready(ks())?.reason === 'ArtifactFailed' && ks(),
    );
    expect(ready(k).message).toBe(
      'Source artifact not found, retrying in 100ms',
    );

    store.patch(GITREPO, 'flux-system', 'flux-system', 'merge', {
      spec: { ref: { branch: 'main' } },
    });
    await waitFor(
      'Ready source',
      () =>
        ready(store.get(GITREPO, 'flux-system', 'flux-system'))?.status ===
        'True',
    );
  });

  it('reports a repository that does not exist', async () => {
    await setup(
      {},
      demoFluxObjects({ url: 'https://github.com/example/missing' }),
    );
    const r = await waitFor('failure', () => {
      const c = ready(store.get(GITREPO, 'flux-system', 'flux-system'));
      return c?.status === 'False' && c;
    });
    expect(r.message).toBe(
      "failed to checkout and determine revision: unable to clone 'https://github.com/example/missing': repository not found",
    );
  });

  it('reports a missing credentials Secret as AuthenticationFailed', async () => {
    const objects = demoFluxObjects({ url: URL });
    objects[1].spec.secretRef = { name: 'github-deploy-key' };
    await setup({}, objects);
    const r = await waitFor('failure', () => {
      const c = ready(store.get(GITREPO, 'flux-system', 'flux-system'));
      return c?.status === 'False' && c;
    });
    expect(r).toMatchObject({
      reason: 'AuthenticationFailed',
      message: `failed to get secret 'flux-system/github-deploy-key': secrets "github-deploy-key" not found`,
    });
  });

  it('fetches on spec.interval without a reconcile request', async () => {
    const objects = demoFluxObjects({ url: URL });
    objects[1].spec.interval = '100ms';
    await setup({}, objects);
    const first = await repo.commit(seed, 'seed');
    await waitFor(
      'first revision',
      () =>
        store.get(GITREPO, 'flux-system', 'flux-system').status?.artifact
          ?.revision === `main@sha1:${first}`,
    );
    const second = await repo.commit(
      { ...seed, 'README.md': '# fleet\n' },
      'docs',
    );
    const source = await waitFor('second revision', () => {
      const s = store.get(GITREPO, 'flux-system', 'flux-system');
      return s.status?.artifact?.revision === `main@sha1:${second}` && s;
    });
    expect(source.status.artifact.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(source.status.lastHandledReconcileAt).toBeUndefined();
  });
});

describe('Kustomization', () => {
  afterEach(teardown);

  it('reports a spec.path that does not exist in the artifact', async () => {
    const objects = demoFluxObjects({ url: URL });
    objects[2].spec.path = './clusters/prod/podinfo';
    await setup({}, objects);
    await repo.commit(seed, 'seed');
    requestFetch();
    // Before the source has an artifact the reason is ArtifactFailed too ("Source artifact not found").
    const r = await waitFor(
      'path not found',
      () =>
        ready(ks())?.message.startsWith('kustomization path') && ready(ks()),
    );
    expect(r.reason).toBe('ArtifactFailed');
    expect(r.message).toMatch(
      /^kustomization path not found: stat \/.*\/kustomization-[^/]+\/clusters\/prod\/podinfo: no such file or directory$/,
    );
  });

  it('waits for a dependency that is not ready, then proceeds once it is', async () => {
    const objects = demoFluxObjects({ url: URL });
    const infra = structuredClone(objects[2]);
    infra.metadata.name = 'infra';
    infra.spec.path = './infrastructure';
    objects[2].spec.dependsOn = [{ name: 'infra' }];
    await setup({}, [...objects, infra]);
    const sha = await repo.commit(seed, 'seed without infrastructure');
    requestFetch();
    const r = await waitFor(
      'DependencyNotReady',
      () => ready(ks())?.reason === 'DependencyNotReady' && ready(ks()),
    );
    expect(r).toMatchObject({
      status: 'False',
      message: "dependency 'flux-system/infra' is not ready",
    });
    expect(ready(ks('infra'))?.reason).toBe('ArtifactFailed');
    const events = store.list(EVENT, {
      namespace: 'flux-system',
      fieldSelector: 'involvedObject.name=podinfo,reason=DependencyNotReady',
    }).items;
    expect(events[0].message).toBe(
      'Dependencies do not meet ready condition, retrying in 100ms',
    );

    const fixSha = await repo.commit(
      {
        ...seed,
        'infrastructure/kustomization.yaml':
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
      },
      'add infrastructure',
    );
    requestFetch();
    await waitFor(
      'podinfo Ready after infra',
      () =>
        ks().status?.lastAppliedRevision === `main@sha1:${fixSha}` &&
        ready(ks())?.status === 'True',
    );
    expect(sha).not.toBe(fixSha);
  });

  it('skips a suspended Kustomization', async () => {
    const objects = demoFluxObjects({ url: URL });
    objects[2].spec.suspend = true;
    await setup({}, objects);
    await repo.commit(seed, 'seed');
    requestFetch();
    await waitFor(
      'source',
      () => store.get(GITREPO, 'flux-system', 'flux-system').status?.artifact,
    );
    await new Promise(r => setTimeout(r, 300));
    expect(ks().status).toBeUndefined();
  });

  it('supersedes an attempt still in health checks when a newer commit lands', async () => {
    await setup({ healthCheckCapMs: 10_000 });
    const good = await repo.commit(seed, 'seed');
    requestFetch();
    await waitFor(
      'seed ready',
      () => ks().status?.lastAppliedRevision === `main@sha1:${good}`,
    );
    const bad = await repo.commit(
      SCENARIOS['bad-image'].apply(seed, { seed }),
      'bad',
    );
    requestFetch();
    await waitFor(
      'health check of the bad commit',
      () =>
        ks().status?.lastAttemptedRevision === `main@sha1:${bad}` &&
        (ks().status.conditions ?? []).some(
          (c: any) =>
            c.type === 'Reconciling' &&
            c.message.startsWith('Running health checks'),
        ),
    );
    expect(ready(ks())).toMatchObject({
      status: 'Unknown',
      reason: 'Progressing',
    });
    const fix = await repo.commit(seed, 'revert');
    requestFetch();
    await waitFor(
      'fix applied',
      () => ks().status?.lastAppliedRevision === `main@sha1:${fix}`,
    );
    const events = store.list(EVENT, {
      namespace: 'flux-system',
      fieldSelector: 'involvedObject.name=podinfo',
    }).items;
    expect(events.map(e => e.message)).toContain(
      'New revision detected during health check, cancelling',
    );
    expect(events.some(e => e.reason === 'HealthCheckFailed')).toBe(false);
  });

  it('prunes objects removed from the source and works without kubectl', async () => {
    await setup({ kubectlPath: null });
    const first = await repo.commit(seed, 'seed');
    requestFetch();
    await waitFor(
      'ready',
      () => ks().status?.lastAppliedRevision === `main@sha1:${first}`,
    );
    expect(store.tryGet(SERVICE, 'podinfo', 'podinfo')).toBeDefined();
    const withoutService = SCENARIOS['missing-file'].apply(seed, { seed });
    withoutService['clusters/demo/podinfo/kustomization.yaml'] = withoutService[
      'clusters/demo/podinfo/kustomization.yaml'
    ].replace('  - service.yaml\n', '');
    const second = await repo.commit(withoutService, 'drop service');
    requestFetch();
    await waitFor(
      'second ready',
      () => ks().status?.lastAppliedRevision === `main@sha1:${second}`,
    );
    expect(store.tryGet(SERVICE, 'podinfo', 'podinfo')).toBeUndefined();
    expect(ks().status.inventory.entries.map((e: any) => e.id)).not.toContain(
      'podinfo_podinfo__Service',
    );
    const events = store.list(EVENT, {
      namespace: 'flux-system',
      fieldSelector: 'involvedObject.name=podinfo',
    }).items;
    expect(events.map(e => e.message)).toContain(
      'Service/podinfo/podinfo deleted',
    );
  });

  it('fails health checks early when a Job fails', async () => {
    const objects = demoFluxObjects({ url: URL });
    objects[2].spec.path = './jobs';
    await setup({ healthCheckCapMs: 10_000 }, objects);
    const job = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: db-migrate',
      '  namespace: flux-system',
      'spec:',
      '  backoffLimit: 0',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: migrate',
      '          image: ghcr.io/stefanprodan/podinfo:6.5.0',
      '          args: ["--migrate"]',
      '',
    ].join('\n');
    const sha = await repo.commit(
      { ...seed, 'jobs/job.yaml': job },
      'add migration job',
    );
    requestFetch();
    const r = await waitFor(
      'HealthCheckFailed',
      () =>
        ks().status?.lastAttemptedRevision === `main@sha1:${sha}` &&
        ready(ks())?.reason === 'HealthCheckFailed' &&
        ready(ks()),
    );
    expect(r.message).toMatch(
      /^health check failed after [\d.]+m?s: failed early due to stalled resources: \[Job\/flux-system\/db-migrate status: 'Failed'\]$/,
    );
    const failedJob = store.get(
      { apiVersion: 'batch/v1', kind: 'Job' },
      'flux-system',
      'db-migrate',
    );
    expect(failedJob.status.conditions[0]).toMatchObject({
      type: 'Failed',
      reason: 'BackoffLimitExceeded',
    });
  });

  it('rejects a Job without a valid restartPolicy at dry-run', async () => {
    const objects = demoFluxObjects({ url: URL });
    objects[2].spec.path = './jobs';
    await setup({}, objects);
    const job =
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  namespace: flux-system\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: busybox:1.36\n';
    await repo.commit({ ...seed, 'jobs/job.yaml': job }, 'job');
    requestFetch();
    const r = await waitFor(
      'ReconciliationFailed',
      () => ready(ks())?.reason === 'ReconciliationFailed' && ready(ks()),
    );
    expect(r.message).toBe(
      'Job/flux-system/j dry-run failed (Invalid): Job.batch "j" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"\n',
    );
  });

  it('reports the build error of the built-in builder when kubectl is absent', async () => {
    await setup({ kubectlPath: null });
    const sha = await repo.commit(
      SCENARIOS['missing-file'].apply(seed, { seed }),
      'drop service file',
    );
    requestFetch();
    const r = await waitFor(
      'BuildFailed',
      () =>
        ks().status?.lastAttemptedRevision === `main@sha1:${sha}` &&
        ready(ks())?.reason === 'BuildFailed' &&
        ready(ks()),
    );
    expect(r.message).toMatch(
      /^kustomize build failed: accumulating resources: accumulation err='accumulating resources from 'service\.yaml': evalsymlink failure/,
    );
  });
});

describe('HelmRelease', () => {
  afterEach(teardown);

  const helmObjects = (values: Record<string, unknown>): KubeObject[] => [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'podinfo' } },
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: { interval: '1h', url: 'https://stefanprodan.github.io/podinfo' },
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'podinfo' },
      spec: {
        interval: '10m',
        chart: {
          spec: {
            chart: 'podinfo',
            version: '6.5.0',
            sourceRef: {
              kind: 'HelmRepository',
              name: 'podinfo',
              namespace: 'flux-system',
            },
          },
        },
        values,
      },
    },
  ];

  it('installs the chart and records a deployed release', async () => {
    await setup({}, helmObjects({ replicaCount: 2 }));
    const hr = await waitFor('installed', () => {
      const h = store.get(HR, 'podinfo', 'podinfo');
      return ready(h)?.status === 'True' && h;
    });
    expect(ready(hr)).toMatchObject({
      reason: 'InstallSucceeded',
      message:
        'Helm install succeeded for release podinfo/podinfo.v1 with chart podinfo@6.5.0',
    });
    expect(hr.status).toMatchObject({
      lastAttemptedRevision: '6.5.0',
      observedGeneration: 1,
      history: [
        expect.objectContaining({
          status: 'deployed',
          version: 1,
          chartVersion: '6.5.0',
        }),
      ],
    });
    expect(
      store.get(DEPLOYMENT, 'podinfo', 'podinfo').status.availableReplicas,
    ).toBe(2);
    expect(ready(store.get(HELMREPO, 'flux-system', 'podinfo'))?.status).toBe(
      'True',
    );

    store.patch(HR, 'podinfo', 'podinfo', 'merge', {
      spec: { values: { replicaCount: 3 } },
    });
    const upgraded = await waitFor('upgraded', () => {
      const h = store.get(HR, 'podinfo', 'podinfo');
      return ready(h)?.reason === 'UpgradeSucceeded' && h;
    });
    expect(upgraded.status.history.map((h: any) => h.status)).toEqual([
      'deployed',
      'superseded',
    ]);
  });

  it('fails an install whose values break the chart schema', async () => {
    await setup({}, helmObjects({ replicaCount: 'two' }));
    const hr = await waitFor('failed', () => {
      const h = store.get(HR, 'podinfo', 'podinfo');
      return ready(h)?.status === 'False' && h;
    });
    expect(ready(hr)).toMatchObject({
      reason: 'InstallFailed',
      message:
        "Helm install failed for release podinfo/podinfo with chart podinfo@6.5.0: values don't meet the specifications of the schema(s) in the following chart(s):\npodinfo:\n- at '/replicaCount': got string, want integer",
    });
    // helm-controller@0f61a86 internal/reconcile/install.go (as upgrade.go#L95-L103): the schema
    // check fails before a release is stored, so nothing is remediated or stalled, only
    // status.failures counts it, and the returned error leaves observedGeneration unset.
    expect(hr.status.history ?? []).toEqual([]);
    expect(hr.status.failures).toBeGreaterThanOrEqual(1);
    expect(hr.status.installFailures).toBeUndefined();
    expect(hr.status.observedGeneration).toBeUndefined();
    expect(hr.status.lastAttemptedGeneration).toBe(1);
    expect(hr.status.conditions.map((c: any) => c.type)).not.toContain(
      'Stalled',
    );
    expect(
      hr.status.conditions.find((c: any) => c.type === 'Released'),
    ).toMatchObject({
      status: 'False',
      reason: 'InstallFailed',
      observedGeneration: 1,
    });
  });

  it('retries a failed upgrade forever with the RetryOnFailure strategy, never stalling', async () => {
    const objects = helmObjects({ replicaCount: 1 });
    objects[3].spec.upgrade = {
      strategy: { name: 'RetryOnFailure', retryInterval: '1s' },
    };
    await setup({ healthCheckCapMs: 1_500 }, objects);
    await waitFor(
      'installed',
      () => ready(store.get(HR, 'podinfo', 'podinfo'))?.status === 'True',
    );
    store.patch(HR, 'podinfo', 'podinfo', 'merge', {
      spec: { values: { replicaCount: 1, image: { tag: '6.51' } } },
    });
    // helm-controller@0f61a86 atomic_release.go#L233-L238: no remediation, "retrying after",
    // and the requeue without error observes the generation (helmrelease_controller.go#L153).
    const retried = await waitFor('a second failed attempt', () => {
      const h = store.get(HR, 'podinfo', 'podinfo');
      return (h.status.upgradeFailures ?? 0) >= 2 && h;
    });
    const types = retried.status.conditions.map(
      (c: any) => `${c.type}/${c.reason}`,
    );
    expect(types).toEqual(
      expect.arrayContaining([
        'Ready/UpgradeFailed',
        'Released/UpgradeFailed',
        'Reconciling/ProgressingWithRetry',
      ]),
    );
    expect(
      types.filter(
        (t: string) => t.startsWith('Stalled') || t.startsWith('Remediated'),
      ),
    ).toEqual([]);
    expect(retried.status.observedGeneration).toBe(retried.metadata.generation);
    expect(
      retried.status.conditions.find((c: any) => c.type === 'Reconciling')
        .message,
    ).toBe('retrying after 1s');
  }, 30_000);

  it('fails a chart version that does not exist', async () => {
    const objects = helmObjects({});
    objects[3].spec.chart.spec.version = '9.0.0';
    await setup({}, objects);
    const r = await waitFor(
      'ArtifactFailed',
      () =>
        ready(store.get(HR, 'podinfo', 'podinfo'))?.status === 'False' &&
        ready(store.get(HR, 'podinfo', 'podinfo')),
    );
    // source-controller@39b711b helmchart_controller.go#L495-L499: a persistent
    // InvalidChartReference (Stalled); helm-controller@0f61a86 helmrelease_controller.go#L298-L303.
    expect(r).toMatchObject({
      reason: 'SourceNotReady',
      message:
        "HelmChart 'flux-system/podinfo-podinfo' is not ready: invalid chart reference: failed to get chart version for remote reference: no 'podinfo' chart with version matching '9.0.0' found",
      observedGeneration: 1,
    });
    const chart = store.get(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart' },
      'flux-system',
      'podinfo-podinfo',
    );
    expect(chart.status.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'Stalled',
          status: 'True',
          reason: 'InvalidChartReference',
        }),
      ]),
    );
    expect(
      store.get(HR, 'podinfo', 'podinfo').status.observedGeneration,
    ).toBeUndefined();
  });
});
