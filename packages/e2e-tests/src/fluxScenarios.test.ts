import {
  installFleetFluxObjects,
  KubeObject,
  LATE_IMAGE,
  publishImageTag,
  pushArtifact,
  readRepoFiles,
  RepoFiles,
  REQUESTED_AT,
  Sandbox,
  SCENARIOS,
  unpublishImageTag,
} from '@gort-backstage/sandbox';
import type { Run } from '@gort-backstage/plugin-gort-common';
import { execFileSync } from 'node:child_process';
import { GortEnvironment } from './harness/gortEnvironment';

/**
 * Pushes that change the Flux objects' own specs (the sandbox's fleet: packages/sandbox
 * src/flux/fleetScenarios.ts), followed through the real backend. Each scenario checks the final
 * run state, reason and category, how many fix PRs were opened, and that GORT's verdict came at
 * most two source intervals after the controller's (the moment the simulated controller wrote
 * the status the verdict rests on, seen from the sandbox's store).
 */
jest.setTimeout(600_000);

const SOURCE_INTERVAL = '20s';
const SOURCE_INTERVAL_MS = 20_000;
const SUSPENDED_TIMEOUT_MS = 30_000;

const component = (name: string, fluxApp: string, timeout = '90s') => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: {
      'gort.io/flux-app': fluxApp,
      'github.com/project-slug': 'acme/podinfo-gitops',
      'gort.io/reconcile-timeout': timeout,
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'platform-team' },
});

const APPS = 'component:default/apps';
const CHART = 'component:default/podinfo-chart';
const STABLE = 'component:default/podinfo-stable';
const OCI_APPS = 'component:default/apps-oci';
const OCI_REPOSITORY = 'acme/podinfo-apps';

/** What CI does after a push: `flux push artifact` of clusters/demo/apps at the commit. */
async function publishAppsArtifact(
  sandbox: Sandbox,
  files: RepoFiles,
  sha: string,
  reconcileNow = false,
) {
  const prefix = 'clusters/demo/apps/';
  await pushArtifact({
    registryUrl: sandbox.oci!.url,
    repository: OCI_REPOSITORY,
    tag: 'latest',
    files: Object.fromEntries(
      Object.entries(files)
        .filter(([path]) => path.startsWith(prefix))
        .map(([path, text]) => [path.slice(prefix.length), text]),
    ),
    source: sandbox.repoCloneUrl,
    revision: `main@sha1:${sha}`,
  });
  // `flux reconcile source oci apps-oci`, as a CI job may run after the push
  if (reconcileNow)
    sandbox.kube.store.patch(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository' },
      'flux-system',
      'apps-oci',
      'merge',
      {
        metadata: { annotations: { [REQUESTED_AT]: new Date().toISOString() } },
      },
    );
}

/** An OCIRepository and the Kustomization that applies it (into flux-system, beside the fleet's apps). */
function installOciApps(sandbox: Sandbox) {
  for (const obj of [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: 'apps-oci', namespace: 'flux-system' },
      spec: {
        interval: SOURCE_INTERVAL,
        url: `oci://${sandbox.oci!.host}/${OCI_REPOSITORY}`,
        ref: { tag: 'latest' },
      },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps-oci', namespace: 'flux-system' },
      spec: {
        interval: '10m0s',
        path: './',
        prune: true,
        wait: true,
        targetNamespace: 'flux-system',
        sourceRef: { kind: 'OCIRepository', name: 'apps-oci' },
      },
    },
  ])
    sandbox.kube.store.create(obj, obj);
}
const finished = (run: Run) =>
  ['done', 'error', 'superseded'].includes(run.state);
const VERDICT_STATES = ['succeeded', 'failed', 'timed_out', 'done'];

describe('Flux object changes end to end (fleet scenarios, real backend)', () => {
  let env: GortEnvironment;

  const flux = (
    kind: string,
    namespace: string,
    name: string,
  ): KubeObject | undefined =>
    env.sandbox.kube.store.tryGet(
      {
        apiVersion:
          kind === 'HelmRelease'
            ? 'helm.toolkit.fluxcd.io/v2'
            : 'kustomize.toolkit.fluxcd.io/v1',
        kind,
      },
      namespace,
      name,
    );
  const condition = (obj: KubeObject | undefined, type: string) =>
    (obj?.status?.conditions ?? []).find((c: any) => c.type === type);

  const gh = async (path: string) =>
    (
      await fetch(`${env.sandbox.githubUrl}${path}`, {
        headers: { Authorization: `token ${env.sandbox.token}` },
      })
    ).json();
  const pullCount = async () =>
    (
      (await gh(
        '/repos/acme/podinfo-gitops/pulls?state=all&per_page=100',
      )) as unknown[]
    ).length;

  /** When the simulated controller first showed `reached` (polled from the sandbox's store). */
  const controllerVerdict = (reached: () => boolean) => {
    let at: number | undefined;
    const timer = setInterval(() => {
      if (at === undefined && reached()) at = Date.now();
    }, 50);
    return () => {
      clearInterval(timer);
      if (at === undefined && reached()) at = Date.now();
      return at;
    };
  };

  /** The time of GORT's verdict: the first timeline entry in a verdict state. */
  const gortVerdictAt = (run: Run) =>
    Date.parse(run.timeline.find(e => VERDICT_STATES.includes(e.state))!.at);

  /** Pushes the scenario, waits for the entity's run to finish; returns the run, PRs opened, timing. */
  async function scenario(
    name: string,
    entityRef: string,
    reached: () => boolean,
    during?: (sha: string) => Promise<void>,
  ) {
    const pullsBefore = await pullCount();
    const stop = controllerVerdict(reached);
    const sha = await env.push(name);
    await during?.(sha);
    const run = await env.waitForRun(sha, finished, entityRef, 300_000);
    const controllerAt = stop();
    process.stdout.write(
      `${name}: ${run.state}/${run.outcome} reason ${
        run.failure?.reason ?? '-'
      } category ${run.category ?? '-'}; ` +
        `fix PR ${
          run.fixPr ? `${run.fixPr.status}: ${run.fixPr.message}` : 'none'
        }; ` +
        `GORT verdict ${
          controllerAt === undefined ? '?' : gortVerdictAt(run) - controllerAt
        } ms after the controller's\n`,
    );
    return {
      run,
      prs: (await pullCount()) - pullsBefore,
      lag:
        controllerAt === undefined
          ? Number.POSITIVE_INFINITY
          : gortVerdictAt(run) - controllerAt,
    };
  }

  // The restore is a push like any other: each run of it must succeed, or a
  // failure it raised (and its PR) would be charged to the next scenario.
  async function restore() {
    const sha = await env.push('fix');
    for (const entity of [APPS, CHART, STABLE]) {
      const run = await env.waitForRun(sha, finished, entity, 300_000);
      const what = `restore ${entity}: ${run.state}/${run.outcome} ${run.failure ? `${run.failure.object} ${run.failure.reason}: ${run.failure.message}` : ''}${run.fixPr ? `; fix PR ${run.fixPr.status}: ${run.fixPr.message}` : ''}`;
      process.stdout.write(`${what}\n`);
      expect({ entity, outcome: run.outcome, what }).toMatchObject({ entity, outcome: 'succeeded' });
    }
  }

  beforeAll(async () => {
    env = await GortEnvironment.start(
      {
        sourceInterval: SOURCE_INTERVAL,
        expectedWatchers: 5,
        // The fleet's Flux objects live outside the failing objects' spec.path trees.
        fixPrAllowedPaths: ['clusters/demo/fleet/**'],
        ociRegistry: true,
        moreEntities: [
          component('apps-oci', 'flux-system/apps-oci'),
          component(
            'apps',
            'flux-system/apps',
            `${SUSPENDED_TIMEOUT_MS / 1000}s`,
          ),
          component('podinfo-chart', 'HelmRelease/apps/podinfo'),
          component('podinfo-stable', 'HelmRelease/apps/podinfo-stable'),
        ],
      },
      async sandbox => {
        installFleetFluxObjects(sandbox.kube.store);
        installOciApps(sandbox);
        const head = sandbox.git.repoDir('acme', 'podinfo-gitops');
        const sha = execFileSync(
          'git',
          ['--git-dir', head, 'rev-parse', 'main'],
          { encoding: 'utf8' },
        ).trim();
        await publishAppsArtifact(sandbox, await readRepoFiles(), sha);
      },
    );
    await restore();
  });

  afterAll(async () => {
    unpublishImageTag(LATE_IMAGE.repository, LATE_IMAGE.tag);
    await env?.close();
  });

  afterEach(async () => {
    await restore();
  });

  it('a bad spec.path fails with ArtifactFailed (path-not-found) although observedGeneration stays behind', async () => {
    const { run, prs, lag } = await scenario(
      'kustomization-bad-path',
      APPS,
      () => {
        const ks = flux('Kustomization', 'flux-system', 'apps');
        const ready = condition(ks, 'Ready');
        return (
          ready?.reason === 'ArtifactFailed' &&
          ready.observedGeneration === ks?.metadata.generation
        );
      },
    );
    expect(run).toMatchObject({
      state: 'done',
      outcome: 'failed',
      category: 'path-not-found',
    });
    expect(run.failure).toMatchObject({
      object: 'Kustomization/flux-system/apps',
      reason: 'ArtifactFailed',
    });
    // The scripted analyst finds no change in the diff that explains a path-not-found (it
    // does not read the Kustomization's own manifest), so GORT says so and opens no PR.
    expect(run.fixPr).toMatchObject({ status: 'skipped' });
    expect(prs).toBe(0);
    expect(lag).toBeLessThanOrEqual(2 * SOURCE_INTERVAL_MS);
  });

  it('values that fail the chart schema fail the release (helm-values), no release stored', async () => {
    const { run, prs, lag } = await scenario(
      'helmrelease-values-schema',
      CHART,
      () => {
        const hr = flux('HelmRelease', 'apps', 'podinfo');
        const ready = condition(hr, 'Ready');
        return (
          ready?.reason === 'UpgradeFailed' &&
          ready.observedGeneration === hr?.metadata.generation
        );
      },
    );
    expect(run).toMatchObject({
      state: 'done',
      outcome: 'failed',
      category: 'helm-values',
    });
    expect(run.failure).toMatchObject({
      object: 'HelmRelease/apps/podinfo',
      reason: 'UpgradeFailed',
    });
    expect(prs).toBe(1);
    expect(lag).toBeLessThanOrEqual(2 * SOURCE_INTERVAL_MS);
  });

  // The release's chart is not from Git, so the push is tied to it through the fleet
  // Kustomization that applied it. The backend's HelmRelease watch can deliver the new
  // generation after the fleet's Ready at the commit; before a success is declared the
  // release is read live from the API server (RunProcessor.confirmedLive), so the stale
  // release never passes for the pushed one.
  it('a chart version typo fails on the stalled HelmChart (source-not-found), never as a success', async () => {
    const { run, prs, lag } = await scenario(
      'helmrelease-chart-version-typo',
      STABLE,
      () =>
        condition(flux('HelmRelease', 'apps', 'podinfo-stable'), 'Ready')?.reason ===
        'SourceNotReady',
    );
    expect(run).toMatchObject({
      state: 'done',
      outcome: 'failed',
      category: 'source-not-found',
    });
    expect(run.timeline.map(e => e.state)).not.toContain('succeeded');
    // The scripted analyst does not relate the version in the diff to the chart index, so GORT
    // says the diff explains nothing and opens no PR (a real model may propose the right version).
    expect(prs).toBe(0);
    expect(lag).toBeLessThanOrEqual(2 * SOURCE_INTERVAL_MS);
  });

  it('a release that fails once and succeeds on retry ends succeeded, with no failure verdict and no PR', async () => {
    const { run, prs, lag } = await scenario(
      'helmrelease-fails-once-then-succeeds',
      CHART,
      () =>
        condition(flux('HelmRelease', 'apps', 'podinfo'), 'Ready')?.reason ===
          'UpgradeSucceeded' &&
        flux('HelmRelease', 'apps', 'podinfo')?.status?.upgradeFailures >= 1,
      async () => {
        // CI publishes the image only after the first upgrade timed out and was rolled back.
        await env.waitFor(
          'the first upgrade rolled back',
          async () =>
            condition(flux('HelmRelease', 'apps', 'podinfo'), 'Remediated')
              ?.status === 'True',
          120_000,
        );
        publishImageTag(LATE_IMAGE.repository, LATE_IMAGE.tag);
      },
    );
    expect(run).toMatchObject({ state: 'done', outcome: 'succeeded' });
    expect(run.failure).toBeUndefined();
    expect(run.category).toBeUndefined();
    expect(run.timeline.map(e => e.state)).not.toContain('failed');
    expect(prs).toBe(0);
    expect(lag).toBeLessThanOrEqual(2 * SOURCE_INTERVAL_MS);
  });

  it('a release that exhausts its retries fails once, with exactly one PR', async () => {
    const { run, prs, lag } = await scenario(
      'helmrelease-exhausts-retries',
      CHART,
      () =>
        condition(flux('HelmRelease', 'apps', 'podinfo'), 'Stalled')?.reason ===
        'RetriesExceeded',
    );
    expect(run).toMatchObject({ state: 'done', outcome: 'failed' });
    // The push changed the values (the image tag): helm-values is as right as image-pull.
    expect(['helm-values', 'image-pull', 'retries-exhausted']).toContain(
      run.category,
    );
    // helm-controller patches the failed upgrade (Ready=False UpgradeFailed, failures 1 of 0
    // retries) before it stalls (atomic_release.go#L313-L316, then #L203-L207): GORT may judge
    // either status, both final.
    expect(run.failure?.object).toBe('HelmRelease/apps/podinfo');
    expect(['RetriesExceeded', 'UpgradeFailed']).toContain(run.failure?.reason);
    // one PR for this failure: opened by the run, or by an earlier run of the same commit and updated
    expect(['opened', 'updated']).toContain(run.fixPr?.status);
    expect(prs).toBe(1);
    expect(lag).toBeLessThanOrEqual(2 * SOURCE_INTERVAL_MS);
  });

  it('a suspended Kustomization ends the run suspended at the deadline: no diagnosis, no PR', async () => {
    const started = Date.now();
    const { run, prs } = await scenario(
      'kustomization-suspended',
      APPS,
      () =>
        flux('Kustomization', 'flux-system', 'apps')?.spec?.suspend === true,
    );
    expect(run).toMatchObject({ state: 'done', outcome: 'suspended' });
    expect(run.diagnosis).toBeUndefined();
    expect(run.fixPr).toBeUndefined();
    expect(prs).toBe(0);
    // the run ends at its deadline, not later than two source intervals after it
    expect(gortVerdictAt(run) - started).toBeLessThanOrEqual(
      SUSPENDED_TIMEOUT_MS + 2 * SOURCE_INTERVAL_MS,
    );
  });

  it('an OCIRepository-sourced Kustomization succeeds at the pushed commit', async () => {
    const files = SCENARIOS['kustomization-success'].apply(
      await readRepoFiles(),
      { seed: await readRepoFiles() },
    );
    let pushed = '';
    const { run, prs, lag } = await scenario(
      'kustomization-success',
      OCI_APPS,
      () => {
        const ks = flux('Kustomization', 'flux-system', 'apps-oci');
        return (
          pushed !== '' &&
          condition(ks, 'Ready')?.status === 'True' &&
          ks?.status?.lastAppliedOriginRevision === `main@sha1:${pushed}`
        );
      },
      async sha => {
        pushed = sha;
        // CI publishes the artifact of the pushed commit after the push.
        await publishAppsArtifact(env.sandbox, files, sha);
      },
    );
    expect(run).toMatchObject({ state: 'done', outcome: 'succeeded' });
    expect(run.verdicts[0]).toMatchObject({ state: 'succeeded' });
    expect(run.failure).toBeUndefined();
    expect(prs).toBe(0);
    expect(lag).toBeLessThanOrEqual(2 * SOURCE_INTERVAL_MS);
    expect(
      flux('Kustomization', 'flux-system', 'apps-oci')?.status
        ?.lastAppliedRevision,
    ).toMatch(/^latest@sha256:/);
  });
});
