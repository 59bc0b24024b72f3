import { KubeStore } from '../kube/store';
import { KubeObject } from '../kube/types';
import { installDemoFluxObjects } from './demo';
import { REQUESTED_AT } from './gitRepositoryReconciler';
import { RepoFiles, SCENARIOS } from './scenarios';
import { readRepoFiles } from './seed';
import { FluxSimulation, startFluxSimulation } from './simulation';
import {
  createTestGitRepository,
  TestGitRepository,
} from './testGitRepository';
import { waitFor } from './testWaitFor';

const REPO_URL = 'https://github.com/example/podinfo-gitops';
const KS = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
};
const GITREPO = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
};
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const POD = { apiVersion: 'v1', kind: 'Pod' };
const EVENT = { apiVersion: 'v1', kind: 'Event' };

let store: KubeStore;
let sim: FluxSimulation;
let repo: TestGitRepository;
let seed: RepoFiles;
let files: RepoFiles;

function kustomization(): KubeObject {
  return store.get(KS, 'flux-system', 'podinfo');
}

function ready(obj: KubeObject) {
  return (obj.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
}

/** Commits, asks Flux to fetch now (as GORT does) and waits for the attempt at that sha to end. */
async function push(next: RepoFiles, message: string) {
  files = next;
  const sha = await repo.commit(next, message);
  store.patch(GITREPO, 'flux-system', 'flux-system', 'merge', {
    metadata: { annotations: { [REQUESTED_AT]: `${Date.now()}-${sha}` } },
  });
  return sha;
}

function outcomeFor(sha: string) {
  return waitFor(`a terminal Ready for ${sha}`, () => {
    const ks = kustomization();
    const r = ready(ks);
    if (ks.status?.observedGeneration !== ks.metadata.generation || !r)
      return undefined;
    if (
      r.status === 'True' &&
      ks.status.lastAppliedRevision === `main@sha1:${sha}`
    )
      return { ks, ready: r };
    if (
      r.status === 'False' &&
      ks.status.lastAttemptedRevision === `main@sha1:${sha}`
    )
      return { ks, ready: r };
    return undefined;
  });
}

beforeAll(async () => {
  seed = await readRepoFiles();
  repo = await createTestGitRepository();
  store = new KubeStore();
  installDemoFluxObjects(store, { url: REPO_URL });
  sim = startFluxSimulation({
    store,
    resolveRepoDir: url => (url === REPO_URL ? repo.gitDir : undefined),
    tickMs: 40,
    // Health checks wait in wall-clock time while the simulated rollout moves
    // in ticks: on a loaded 2-core machine a healthy rollout needed more than
    // 1.5 s, and the check failed it. Failure scenarios wait out the full cap.
    healthCheckCapMs: 6_000,
    dependencyRequeueMs: 200,
    crashLoopTicks: 2,
  });
});

afterAll(async () => {
  await sim.stop();
  await repo.cleanup();
});

jest.setTimeout(30_000);

function expectImagePullEvidence() {
  const pods = store
    .list(POD, { namespace: 'podinfo' })
    .items.filter(p => p.spec.containers[0].image.endsWith(':6.51'));
  expect(pods.length).toBeGreaterThan(0);
  expect(['ErrImagePull', 'ImagePullBackOff']).toContain(
    pods[0].status.containerStatuses[0].state.waiting.reason,
  );
  const events = store.list(EVENT, {
    namespace: 'podinfo',
    fieldSelector: `involvedObject.name=${pods[0].metadata.name},type=Warning`,
  }).items;
  expect(events.map(e => e.message)).toContain(
    'Failed to pull image "ghcr.io/stefanprodan/podinfo:6.51": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/stefanprodan/podinfo:6.51": failed to resolve reference "ghcr.io/stefanprodan/podinfo:6.51": ghcr.io/stefanprodan/podinfo:6.51: not found',
  );
}

function expectCrashLoopEvidence() {
  const pod = store
    .list(POD, { namespace: 'podinfo' })
    .items.find(p =>
      p.spec.containers[0].command.includes('--trace-requests'),
    )!;
  const status = pod.status.containerStatuses[0];
  expect(status.restartCount).toBeGreaterThan(0);
  expect(status.state.waiting.reason).toBe('CrashLoopBackOff');
  expect(status.lastState.terminated).toMatchObject({
    exitCode: 2,
    reason: 'Error',
  });
  expect(
    store.logs.read('podinfo', pod.metadata.name!, 'podinfo', true)?.[0],
  ).toBe('Error: unknown flag: --trace-requests');
}

function expectOomEvidence() {
  const pod = store
    .list(POD, { namespace: 'podinfo' })
    .items.find(p => p.spec.containers[0].resources.limits.memory === '8Mi')!;
  const status = pod.status.containerStatuses[0];
  expect(status.lastState.terminated ?? status.state.terminated).toMatchObject({
    exitCode: 137,
    reason: 'OOMKilled',
  });
}

function expectUnschedulableEvidence() {
  const pod = store
    .list(POD, { namespace: 'podinfo' })
    .items.find(
      p => String(p.spec.containers[0].resources.requests.cpu) === '16',
    )!;
  expect(pod.status.phase).toBe('Pending');
  expect(pod.status.conditions[0]).toMatchObject({
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message:
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
  });
  const events = store.list(EVENT, {
    namespace: 'podinfo',
    fieldSelector: `involvedObject.name=${pod.metadata.name},reason=FailedScheduling`,
  }).items;
  expect(events).toHaveLength(1);
}

/** Each breaking scenario, the Ready message it must produce, and checks of the workload evidence. */
const breaking: Array<[string, RegExp, () => void]> = [
  [
    'invalid-field',
    /^Deployment\/podinfo\/podinfo dry-run failed \(BadRequest\): failed to create typed patch object \(podinfo\/podinfo; apps\/v1, Kind=Deployment\): \.spec\.replicas: expected numeric \(int or float\), got string/,
    () => {},
  ],
  // ssa applies in kind order, so the Service is the first object to hit the missing namespace.
  [
    'missing-namespace',
    /^Service\/podinfo-staging\/podinfo not found: namespaces "podinfo-staging" not found/,
    () => {},
  ],
  [
    'immutable-selector',
    /^Deployment\/podinfo\/podinfo dry-run failed \(Invalid\): Deployment\.apps "podinfo" is invalid: spec\.selector: Invalid value: .*field is immutable/,
    () => {},
  ],
  [
    'yaml-error',
    /^kustomize build failed: accumulating resources: .*yaml: line \d+: .*deployment\.yaml/,
    () => {},
  ],
  [
    'missing-file',
    /^kustomize build failed: accumulating resources: accumulation err='accumulating resources from 'service\.yaml': .*no such file or directory/,
    () => {},
  ],
  [
    'missing-crd',
    /^ServiceMonitor\/podinfo\/podinfo dry-run failed: no matches for kind "ServiceMonitor" in version "monitoring\.coreos\.com\/v1"/,
    () => {},
  ],
  [
    'substitution',
    /^post build failed for 'podinfo': envsubst error: variable substitution failed: variable not set \(strict mode\): "CLUSTER_REGION"/,
    () => {},
  ],
  [
    'bad-image',
    /^health check failed after [\d.]+m?s: timeout waiting for: \[Deployment\/podinfo\/podinfo status: 'InProgress'\]$/,
    expectImagePullEvidence,
  ],
  [
    'crashloop',
    /^health check failed after .*timeout waiting for: \[Deployment\/podinfo\/podinfo status: 'InProgress'\]$/,
    expectCrashLoopEvidence,
  ],
  [
    'oom',
    /^health check failed after .*Deployment\/podinfo\/podinfo status: 'InProgress'/,
    expectOomEvidence,
  ],
  [
    'unschedulable',
    /^health check failed after .*Deployment\/podinfo\/podinfo status: 'InProgress'/,
    expectUnschedulableEvidence,
  ],
];

describe('Flux simulation over the demo repository', () => {
  it('reconciles the seed to Ready at exactly the pushed sha', async () => {
    const sha = await push(seed, 'Add podinfo');
    const { ks, ready: r } = await outcomeFor(sha);
    expect(r).toMatchObject({
      status: 'True',
      reason: 'ReconciliationSucceeded',
      message: `Applied revision: main@sha1:${sha}`,
    });
    expect(ks.status.inventory.entries.map((e: any) => e.id).sort()).toEqual([
      '_podinfo__Namespace',
      'podinfo_podinfo__Service',
      'podinfo_podinfo_apps_Deployment',
    ]);
    const deployment = store.get(DEPLOYMENT, 'podinfo', 'podinfo');
    expect(deployment.status).toMatchObject({
      replicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
    });
    expect(deployment.spec.template.spec.containers[0].env[0].value).toBe(
      'Hello from demo',
    );
    const pods = store.list(POD, {
      namespace: 'podinfo',
      labelSelector: 'app=podinfo',
    }).items;
    expect(pods).toHaveLength(2);
    expect(
      pods.every(
        p =>
          p.status.phase === 'Running' && p.status.containerStatuses[0].ready,
      ),
    ).toBe(true);
    expect(
      store.logs.read('podinfo', pods[0].metadata.name!, 'podinfo', false)?.[0],
    ).toContain('Starting podinfo');
    const events = store.list(EVENT, {
      namespace: 'flux-system',
      fieldSelector: `involvedObject.uid=${ks.metadata.uid}`,
    }).items;
    expect(events.map(e => e.reason)).toEqual(
      expect.arrayContaining(['ReconciliationSucceeded']),
    );
    expect(events.map(e => e.message)).toContain(
      'Namespace/podinfo created\nService/podinfo/podinfo created\nDeployment/podinfo/podinfo created',
    );
    const source = store.get(GITREPO, 'flux-system', 'flux-system');
    expect(source.status.artifact.revision).toBe(`main@sha1:${sha}`);
    expect(ready(source)).toMatchObject({
      status: 'True',
      reason: 'Succeeded',
      message: `stored artifact for revision 'main@sha1:${sha}'`,
    });
  });

  it.each(breaking)(
    '%s → expected failure, then fix → Ready at the new sha',
    async (name, message, check) => {
      const scenario = SCENARIOS[name];
      const badSha = await push(
        scenario.apply(files, { seed }),
        scenario.commitMessage,
      );
      const failed = await outcomeFor(badSha);
      expect(failed.ready).toMatchObject({
        status: 'False',
        reason: scenario.expectedReason,
      });
      expect(failed.ready.message).toMatch(message);
      expect(failed.ks.status.lastAppliedRevision).not.toBe(
        `main@sha1:${badSha}`,
      );
      const events = store.list(EVENT, {
        namespace: 'flux-system',
        fieldSelector: `involvedObject.uid=${failed.ks.metadata.uid},type=Warning,reason=${scenario.expectedReason}`,
      }).items;
      expect(events.some(e => e.message === failed.ready.message)).toBe(true);
      check();

      const fixSha = await push(
        SCENARIOS.fix.apply(files, { seed }),
        SCENARIOS.fix.commitMessage,
      );
      const fixed = await outcomeFor(fixSha);
      expect(fixed.ready).toMatchObject({
        status: 'True',
        reason: 'ReconciliationSucceeded',
        message: `Applied revision: main@sha1:${fixSha}`,
      });
    },
  );
});
