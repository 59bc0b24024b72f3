/**
 * The contract between the sandbox's Flux simulation and the conformance snapshots of the
 * product's landed rule (plugins/gort-node/src/reconcile/__conformance__): the simulation is run
 * through the fleet scenarios, and the object it produces must agree with the snapshot that names
 * the scenario (`sandboxScenario`). "Agrees": the same condition types, statuses and reasons, and
 * the same relations of metadata.generation to status.observedGeneration, to each condition's
 * observedGeneration and to lastAttemptedGeneration, and of lastAttempted/lastApplied revisions to
 * the pushed commit; messages and times are ignored. judgeLanded must give the same verdict on
 * the sandbox's objects as on the snapshot.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  judgeLanded,
  KubeObject as ProductObject,
  lookupOver,
  resolveLandedInput,
} from '@gort-backstage/plugin-gort-node';
import { parse, parseAllDocuments } from 'yaml';
import { KubeStore } from '../kube/store';
import { KubeObject } from '../kube/types';
import { OciRegistryServer, pushArtifact, startOciRegistry } from '../oci';
import { installDemoFluxObjects } from './demo';
import { installFleetFluxObjects, LATE_IMAGE } from './fleetScenarios';
import { REQUESTED_AT } from './gitRepositoryReconciler';
import { publishImageTag, unpublishImageTag } from './images';
import { RepoFiles, SCENARIOS } from './scenarios';
import { readRepoFiles } from './seed';
import { FluxSimulation, startFluxSimulation } from './simulation';
import {
  createTestGitRepository,
  TestGitRepository,
} from './testGitRepository';
import { waitFor } from './testWaitFor';

const SNAPSHOT_DIR = path.join(
  path.dirname(
    require.resolve('@gort-backstage/plugin-gort-node/package.json'),
  ),
  'src/reconcile/__conformance__/snapshots',
);

interface Snapshot {
  id: string;
  sha: string;
  watched: string;
  objects: KubeObject[];
  expect: { verdict: string };
  sandboxScenario?: string;
}

function loadSnapshot(id: string): Snapshot {
  const raw = parse(
    fs.readFileSync(path.join(SNAPSHOT_DIR, `${id}.yaml`), 'utf8'),
  );
  const docs = (text: string | undefined) =>
    text
      ? parseAllDocuments(text)
          .map(d => d.toJS())
          .filter(Boolean)
      : [];
  return { ...raw, objects: [...docs(raw.objects), ...docs(raw.companions)] };
}

const FLUX_KINDS = [
  { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository' },
];
const GITREPO = FLUX_KINDS[2];

function parseWatched(watched: string) {
  const [kind, namespace, name] = watched.split('/');
  return { kind, namespace, name };
}

function find(
  objects: KubeObject[],
  kind: string,
  namespace?: string,
  name?: string,
) {
  return objects.find(
    o =>
      o.kind === kind &&
      (namespace === undefined || o.metadata.namespace === namespace) &&
      (name === undefined || o.metadata.name === name),
  );
}

/** Where a revision stands against the pushed commit. */
function revisionRelation(revision: unknown, sha: string) {
  if (typeof revision !== 'string' || revision === '') return 'absent';
  return revision.includes(sha) || revision.includes(`+${sha.slice(0, 12)}`)
    ? 'at-sha'
    : 'other';
}

function generationRelation(observed: unknown, generation: number) {
  if (typeof observed !== 'number') return 'absent';
  return observed === generation ? 'current' : 'behind';
}

/** What "agrees" compares: no messages, no times, no absolute generations. */
function shape(obj: KubeObject, sha: string) {
  const generation = obj.metadata.generation ?? 1;
  const status = obj.status ?? {};
  const conditions = [...(status.conditions ?? [])]
    .map(
      (c: any) =>
        `${c.type}=${c.status}/${c.reason} og:${generationRelation(
          c.observedGeneration,
          generation,
        )}`,
    )
    .sort();
  return {
    conditions,
    observedGeneration: generationRelation(
      status.observedGeneration,
      generation,
    ),
    ...(obj.kind === 'HelmRelease'
      ? {
          lastAttemptedGeneration: generationRelation(
            status.lastAttemptedGeneration,
            generation,
          ),
          lastAttemptedRevision: revisionRelation(
            status.lastAttemptedRevision,
            sha,
          ),
          latestRelease: status.history?.[0]
            ? `${status.history[0].status} ${revisionRelation(
                status.history[0].chartVersion,
                sha,
              )}`
            : 'none',
        }
      : {}),
    ...(obj.kind === 'Kustomization'
      ? {
          lastAttemptedRevision: revisionRelation(
            status.lastAttemptedRevision,
            sha,
          ),
          lastAppliedRevision: revisionRelation(
            status.lastAppliedRevision,
            sha,
          ),
        }
      : {}),
    ...(obj.kind === 'HelmChart'
      ? {
          artifact:
            revisionRelation(status.artifact?.revision, sha) === 'absent'
              ? 'absent'
              : 'present',
        }
      : {}),
  };
}

let store: KubeStore;
let registry: OciRegistryServer;
let sim: FluxSimulation;
let repo: TestGitRepository;
let seed: RepoFiles;
let files: RepoFiles;

function fluxObjects(): KubeObject[] {
  return FLUX_KINDS.flatMap(kind => store.list(kind).items);
}

function live(watched: string): KubeObject | undefined {
  const { kind, namespace, name } = parseWatched(watched);
  return find(fluxObjects(), kind, namespace, name);
}

function condition(obj: KubeObject | undefined, type: string) {
  return (obj?.status?.conditions ?? []).find((c: any) => c.type === type);
}

async function push(next: RepoFiles, message: string): Promise<string> {
  files = next;
  const sha = await repo.commit(next, message);
  store.patch(GITREPO, 'flux-system', 'flux-system', 'merge', {
    metadata: { annotations: { [REQUESTED_AT]: `${Date.now()}-${sha}` } },
  });
  return sha;
}

async function pushScenario(name: string): Promise<string> {
  const scenario = SCENARIOS[name];
  return push(scenario.apply(files, { seed }), scenario.commitMessage);
}

/** Everything the fleet deploys is Ready at `sha`. */
function allSettledAt(sha: string) {
  const ks = (name: string) => live(`Kustomization/flux-system/${name}`);
  const hr = (name: string) => live(`HelmRelease/apps/${name}`);
  const ksOk = (o?: KubeObject) =>
    condition(o, 'Ready')?.status === 'True' &&
    o?.status?.lastAppliedRevision === `main@sha1:${sha}`;
  const hrOk = (o?: KubeObject) =>
    condition(o, 'Ready')?.status === 'True' &&
    o?.status?.observedGeneration === o?.metadata.generation;
  return (
    ksOk(ks('fleet')) &&
    ksOk(ks('apps')) &&
    hrOk(hr('podinfo')) &&
    hrOk(hr('podinfo-stable')) &&
    String(hr('podinfo')?.status?.history?.[0]?.chartVersion).endsWith(
      `+${sha.slice(0, 12)}`,
    )
  );
}

async function restore() {
  const sha = await push({ ...seed }, SCENARIOS.fix.commitMessage);
  await waitFor('the fleet to settle at the seed', () => allSettledAt(sha));
}

/**
 * Conditions the controllers keep that a snapshot built from their code leaves out. Each is
 * accepted only for the snapshot named, with the upstream line that keeps it.
 */
const KEPT_BY_CONTROLLER: Record<string, string[]> = {
  // helm-controller@0f61a86 internal/controller/helmrelease_controller.go#L236 marks Reconciling
  // "Fulfilling prerequisites" before the source check, and SourceNotReady (L298-L303) returns
  // without touching it or the Released condition of the release deployed before.
  'helmrelease-chart-version-typo': [
    'Reconciling=True/Progressing og:current',
    'Released=True/InstallSucceeded og:behind',
  ],
  // internal/reconcile/atomic_release.go#L243-L245 marks Reconciling before the upgrade; an
  // upgrade that stored no release returns its error (upgrade.go#L100-L103) and leaves it.
  'helmrelease-values-schema-failure': [
    'Reconciling=True/Progressing og:current',
  ],
  // The fleet's apps Kustomization has wait: true (the snapshots' objects have not): its Healthy
  // condition of the last success stays; kustomize-controller@186fb3b writes Healthy only when it
  // runs health checks (kustomization_controller.go#L1049-L1081), and a suspended object is not touched
  // at all (L184-L186).
  'kustomization-path-not-found-after-spec-edit': [
    'Healthy=True/Succeeded og:behind',
  ],
  'kustomization-suspended': ['Healthy=True/Succeeded og:behind'],
};

/**
 * The sandbox's side and the snapshot's side of "agrees" (see the file comment): the tests
 * expect them equal. judgeLanded's verdict on the snapshot stands beside the sandbox's verdict
 * and must be the snapshot's expected verdict.
 */
function agreement(
  snapshotId: string,
  sha: string,
  scenario: string,
  watched = SCENARIOS[scenario]?.watched,
) {
  const snapshot = loadSnapshot(snapshotId);
  const { kind, namespace, name } = parseWatched(snapshot.watched);
  const expected = find(snapshot.objects, kind, namespace, name)!;
  const actual = live(watched!)!;
  const kept = KEPT_BY_CONTROLLER[snapshotId] ?? [];
  const actualShape = shape(actual, sha);
  const expectedChart = find(snapshot.objects, 'HelmChart');
  const [chartNs, chartName] = String(actual.status?.helmChart).split('/');
  const actualChart = find(fluxObjects(), 'HelmChart', chartNs, chartName);
  const verdictOf = (
    objects: KubeObject[],
    object: KubeObject,
    commit: string,
    context = {},
  ) =>
    judgeLanded(
      resolveLandedInput(
        lookupOver(objects as ProductObject[]),
        object as ProductObject,
        commit,
        context,
      ),
    ).state;
  return {
    sandbox: {
      scenario,
      ...actualShape,
      conditions: actualShape.conditions.filter(c => !kept.includes(c)),
      chart: expectedChart && actualChart ? shape(actualChart, sha) : undefined,
      verdict: verdictOf(fluxObjects(), actual, sha),
      verdictOnSnapshot: verdictOf(
        snapshot.objects,
        expected,
        snapshot.sha,
        (snapshot as any).context ?? {},
      ),
    },
    snapshot: {
      scenario: snapshot.sandboxScenario,
      ...shape(expected, snapshot.sha),
      chart: expectedChart ? shape(expectedChart, snapshot.sha) : undefined,
      verdict: snapshot.expect.verdict,
      verdictOnSnapshot: snapshot.expect.verdict,
    },
  };
}

beforeAll(async () => {
  seed = await readRepoFiles();
  files = seed;
  repo = await createTestGitRepository();
  store = new KubeStore();
  const url = 'https://github.com/example/podinfo-gitops';
  installDemoFluxObjects(store, { url });
  installFleetFluxObjects(store);
  // An OCIRepository-sourced Kustomization beside the fleet (CI pushes its artifact).
  registry = await startOciRegistry();
  for (const o of [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: 'apps-oci', namespace: 'flux-system' },
      spec: {
        interval: '1s',
        url: `oci://${registry.host}/acme/podinfo-manifests`,
        ref: { tag: 'latest' },
      },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps-oci', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './',
        prune: true,
        sourceRef: { kind: 'OCIRepository', name: 'apps-oci' },
      },
    },
  ])
    store.create(o, o);
  sim = startFluxSimulation({
    store,
    resolveRepoDir: u => (u === url ? repo.gitDir : undefined),
    resolveRegistry: host =>
      host === registry.host ? registry.store : undefined,
    tickMs: 40,
    // Helm waits and health checks end at this cap; a healthy rollout needs well under it.
    healthCheckCapMs: 4_000,
    dependencyRequeueMs: 200,
  });
  const sha = await push(seed, 'Deploy podinfo with Flux');
  await waitFor('the fleet to settle at the seed', () => allSettledAt(sha));
}, 60_000);

// Each scenario starts from the seed, also after a failed one.
afterEach(async () => {
  if (JSON.stringify(files) !== JSON.stringify(seed)) await restore();
}, 60_000);

afterAll(async () => {
  unpublishImageTag(LATE_IMAGE.repository, LATE_IMAGE.tag);
  await sim?.stop();
  await registry?.close();
  await repo?.cleanup();
});

jest.setTimeout(60_000);

describe('sandbox Flux simulation against the conformance snapshots', () => {
  it('kustomization-success agrees with kustomization-applied-and-healthy', async () => {
    const sha = await pushScenario('kustomization-success');
    await waitFor('apps applied', () => allSettledAt(sha));
    const { sandbox, snapshot } = agreement(
      'kustomization-applied-and-healthy',
      sha,
      'kustomization-success',
    );
    expect(sandbox).toEqual(snapshot);
  });

  it('kustomization-bad-path agrees with kustomization-path-not-found-after-spec-edit', async () => {
    const sha = await pushScenario('kustomization-bad-path');
    await waitFor('ArtifactFailed for the new generation', () => {
      const ks = live('Kustomization/flux-system/apps');
      const ready = condition(ks, 'Ready');
      return (
        ready?.reason === 'ArtifactFailed' &&
        ready.observedGeneration === ks?.metadata.generation
      );
    });
    const { sandbox, snapshot } = agreement(
      'kustomization-path-not-found-after-spec-edit',
      sha,
      'kustomization-bad-path',
    );
    expect(sandbox).toEqual(snapshot);
  });

  it('helmrelease-success agrees with helmrelease-git-chart-deployed', async () => {
    const sha = await pushScenario('helmrelease-success');
    await waitFor('the release upgraded at the commit', () =>
      allSettledAt(sha),
    );
    const { sandbox, snapshot } = agreement(
      'helmrelease-git-chart-deployed',
      sha,
      'helmrelease-success',
    );
    expect(sandbox).toEqual(snapshot);
  });

  it('helmrelease-values-schema agrees with helmrelease-values-schema-failure', async () => {
    const sha = await pushScenario('helmrelease-values-schema');
    await waitFor('UpgradeFailed for the new generation', () => {
      const hr = live('HelmRelease/apps/podinfo');
      const ready = condition(hr, 'Ready');
      return (
        ready?.reason === 'UpgradeFailed' &&
        ready.observedGeneration === hr?.metadata.generation
      );
    });
    const { sandbox, snapshot } = agreement(
      'helmrelease-values-schema-failure',
      sha,
      'helmrelease-values-schema',
    );
    expect(sandbox).toEqual(snapshot);
  });

  it('helmrelease-chart-version-typo agrees with helmrelease-chart-version-typo', async () => {
    const sha = await pushScenario('helmrelease-chart-version-typo');
    await waitFor('SourceNotReady for the new generation', () => {
      const hr = live('HelmRelease/apps/podinfo-stable');
      const ready = condition(hr, 'Ready');
      return (
        ready?.reason === 'SourceNotReady' &&
        ready.observedGeneration === hr?.metadata.generation
      );
    });
    const { sandbox, snapshot } = agreement(
      'helmrelease-chart-version-typo',
      sha,
      'helmrelease-chart-version-typo',
    );
    expect(sandbox).toEqual(snapshot);
  });

  // helm-controller records the attempt at a new generation even when the release is already
  // in sync (helmrelease_controller.go#L397-L402 run before the atomic release), so a push that
  // reverts a chart version typo to the deployed version lands: judged succeeded at that push.
  it('a push that corrects a chart version typo lands, the release already in sync', async () => {
    await pushScenario('helmrelease-chart-version-typo');
    await waitFor('SourceNotReady for the typo', () => condition(live('HelmRelease/apps/podinfo-stable'), 'Ready')?.reason === 'SourceNotReady');
    const sha = await push({ ...seed }, SCENARIOS.fix.commitMessage);
    await waitFor('the fleet to settle at the correction', () => allSettledAt(sha));
    const hr = live('HelmRelease/apps/podinfo-stable')!;
    expect(hr.status?.lastAttemptedGeneration).toBe(hr.metadata.generation);
    const verdict = judgeLanded(
      resolveLandedInput(lookupOver(fluxObjects() as ProductObject[]), hr as ProductObject, sha, { manifestAppliedAtSha: true }),
    );
    expect(verdict.state).toBe('succeeded');
  });

  it('helmrelease-fails-once-then-succeeds agrees with helmrelease-upgrade-failed-retries-remain, then succeeds', async () => {
    const sha = await pushScenario('helmrelease-fails-once-then-succeeds');
    await waitFor(
      'the first failed upgrade rolled back',
      () =>
        condition(live('HelmRelease/apps/podinfo'), 'Remediated')?.status ===
        'True',
    );
    const { sandbox, snapshot } = agreement(
      'helmrelease-upgrade-failed-retries-remain',
      sha,
      'helmrelease-fails-once-then-succeeds',
    );
    expect(sandbox).toEqual(snapshot);
    // CI publishes the image; the next retry of helm-controller succeeds.
    publishImageTag(LATE_IMAGE.repository, LATE_IMAGE.tag);
    await waitFor('the retried upgrade at the commit', () => allSettledAt(sha));
    expect(
      live('HelmRelease/apps/podinfo')!.status.upgradeFailures,
    ).toBeGreaterThanOrEqual(1);
    expect(shape(live('HelmRelease/apps/podinfo')!, sha).conditions).toEqual([
      'Ready=True/UpgradeSucceeded og:current',
      'Released=True/UpgradeSucceeded og:current',
    ]);
  });

  it('helmrelease-exhausts-retries agrees with helmrelease-upgrade-failed-default-remediation', async () => {
    const sha = await pushScenario('helmrelease-exhausts-retries');
    await waitFor(
      'RetriesExceeded',
      () =>
        condition(live('HelmRelease/apps/podinfo'), 'Stalled')?.reason ===
        'RetriesExceeded',
    );
    const { sandbox, snapshot } = agreement(
      'helmrelease-upgrade-failed-default-remediation',
      sha,
      'helmrelease-exhausts-retries',
    );
    expect(sandbox).toEqual(snapshot);
  });

  it('kustomization-suspended agrees with kustomization-suspended', async () => {
    const sha = await pushScenario('kustomization-suspended');
    await waitFor(
      'apps suspended by the fleet',
      () => live('Kustomization/flux-system/apps')?.spec?.suspend === true,
    );
    // A few controller passes: a suspended object is left alone.
    await new Promise(r => setTimeout(r, 400));
    const { sandbox, snapshot } = agreement(
      'kustomization-suspended',
      sha,
      'kustomization-suspended',
    );
    expect(sandbox).toEqual(snapshot);
  });

  it('an OCIRepository-sourced Kustomization agrees with kustomization-oci-origin-revision', async () => {
    const sha = await push({ ...seed }, 'Release the apps manifests');
    await waitFor('the fleet to settle', () => allSettledAt(sha));
    // CI: flux push artifact --source=<git url> --revision=main@sha1:<sha>
    await pushArtifact({
      registryUrl: registry.url,
      repository: 'acme/podinfo-manifests',
      tag: 'latest',
      files: {
        'settings.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: oci-settings\n  namespace: apps\ndata:\n  greeting: hello from an OCI artifact\n',
      },
      source: 'https://github.com/example/podinfo-gitops',
      revision: `main@sha1:${sha}`,
    });
    await waitFor(
      'applied at the origin revision',
      () =>
        live('Kustomization/flux-system/apps-oci')?.status
          ?.lastAppliedOriginRevision === `main@sha1:${sha}`,
    );
    const { sandbox, snapshot } = agreement(
      'kustomization-oci-origin-revision',
      sha,
      'kustomization-oci',
      'Kustomization/flux-system/apps-oci',
    );
    expect(sandbox).toEqual(snapshot);
  });
});
