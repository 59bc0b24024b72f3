import type { EntityGortStatus, Run } from '@gort-backstage/plugin-gort-common';
import { GortEnvironment, PODINFO } from './harness/gortEnvironment';

jest.setTimeout(600_000);

/**
 * One repository, three sandbox clusters: each its own Kubernetes API and
 * simulated Flux reconciling its own folder. podinfo follows staging and
 * prod; podinfo-edge follows staging and edge, whose API refuses the token
 * GORT is configured with (401); podinfo-typo names a cluster GORT does not know.
 */
const STAGING = 'clusters/staging/podinfo';
const PROD = 'clusters/prod/podinfo';
const EDGE_ENTITY = 'component:default/podinfo-edge';
const TYPO_ENTITY = 'component:default/podinfo-typo';
const done = (run: { state: string }) => ['done', 'error', 'superseded'].includes(run.state);
const verdictIn = (run: Run, cluster: string) => run.verdicts.find(v => v.cluster === cluster);

function component(name: string, fluxApp: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'gort.io/flux-app': fluxApp,
        'github.com/project-slug': 'acme/podinfo-gitops',
        'gort.io/reconcile-timeout': '40s',
        'gort.io/mode': 'diagnose-only',
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'platform-team' },
  };
}

describe('one push followed across several clusters (sandbox clusters staging, prod, edge)', () => {
  let env: GortEnvironment;
  const gh = (path: string) =>
    fetch(`${env.sandbox.githubUrl}${path}`, { headers: { Authorization: `token ${env.sandbox.token}` } }).then(res => res.json());

  beforeAll(async () => {
    env = await GortEnvironment.start({
      reconcileTimeout: '60s',
      // prod's API is down for as long as staging's verdict takes (up to 45 s
      // on a busy machine); at the default 30 s cap its watch's next retry
      // could come after the 60 s deadline, so the cap is 4 s here.
      gortConfig: { flux: { requestReconcile: true, maxWatchRetryDelay: '4s' } },
      clusters: [
        { name: 'staging', path: STAGING },
        { name: 'prod', path: PROD },
        { name: 'edge', path: STAGING, backendToken: 'not-the-edge-token' },
      ],
      expectedWatchers: 3,
      podinfoFluxApp: 'staging:flux-system/podinfo,prod:flux-system/podinfo',
      moreEntities: [
        component('podinfo-edge', 'staging:flux-system/podinfo,edge:flux-system/podinfo'),
        component('podinfo-typo', 'prdo:flux-system/podinfo'),
      ],
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('judges each cluster on its own: succeeded on staging, failed with a diagnosis on prod, and the PR names prod\'s path', async () => {
    const sha = await env.pushScenarioTo(PROD, 'bad-image');
    const run = await env.waitForRun(sha, r => done(r) && Boolean(r.fixPr));
    expect(run).toMatchObject({ outcome: 'failed', category: 'image-pull', fixPr: { status: 'opened' } });
    expect(verdictIn(run, 'staging')).toMatchObject({ state: 'succeeded' });
    expect(verdictIn(run, 'prod')).toMatchObject({ state: 'failed' });
    expect(run.clusters).toEqual([
      expect.objectContaining({ cluster: 'staging', state: 'succeeded' }),
      expect.objectContaining({ cluster: 'prod', state: 'failed' }),
    ]);
    expect(run.failure?.object).toBe('prod:Kustomization/flux-system/podinfo');
    expect(run.timeline.map(t => t.message).join('\n')).toContain('Failed in cluster prod');

    const pr = await gh(`/repos/acme/podinfo-gitops/pulls/${run.fixPr!.number}`);
    expect(pr.body).toContain('in cluster `prod`, path `clusters/prod/podinfo`');
    const edited = run.fixPr!.files!.filter(file => !file.startsWith('docs/'));
    expect(edited.length).toBeGreaterThan(0);
    expect(edited.every(file => file.startsWith(`${PROD}/`))).toBe(true);

    // The same push as seen by podinfo-edge: staging landed, edge refused GORT's token (401).
    const edge = await env.waitForRun(sha, done, EDGE_ENTITY);
    expect(edge.outcome).toBe('partial');
    expect(verdictIn(edge, 'staging')).toMatchObject({ state: 'succeeded' });
    expect(verdictIn(edge, 'edge')).toMatchObject({ state: 'unreachable', clusterProblem: 'unauthorized' });
    expect(verdictIn(edge, 'edge')?.detail).toMatch(/^cluster edge refuses GORT's credentials \(401 Unauthorized\) since \d\d:\d\d UTC/);
    expect(edge.timeline.at(-1)?.message).toMatch(/not judged: cluster edge refuses GORT's credentials/);

    await env.waitForRun(await env.pushScenarioTo(PROD, 'fix'), done);
  });

  it('gives the org page every object\'s cluster, and says why an unreadable cluster\'s object has no live state', async () => {
    const { body } = await env.api<{ items: EntityGortStatus[] }>('/entities/status');
    const clustersOf = (entityRef: string) => body.items.find(i => i.entityRef === entityRef)?.objects.map(o => o.cluster);
    expect(clustersOf(PODINFO)).toEqual(['staging', 'prod']);
    expect(clustersOf(EDGE_ENTITY)).toEqual(['staging', 'edge']);
    const edge = body.items.find(i => i.entityRef === EDGE_ENTITY)!.objects.find(o => o.cluster === 'edge');
    expect(edge).toMatchObject({ state: 'unknown', reason: 'unauthorized' });
    expect(edge?.message).toMatch(/^cluster edge refuses GORT's credentials \(401 Unauthorized\)/);
  });

  it('shows a watcher naming an unknown cluster as an annotation problem', async () => {
    const { body } = await env.api<{ items: Array<{ entityRef: string; problems: Array<{ value: string; message: string }> }> }>('/watchers');
    const typo = body.items.find(w => w.entityRef === TYPO_ENTITY);
    expect(typo?.problems).toEqual([
      expect.objectContaining({ value: 'prdo:Kustomization/flux-system/podinfo', message: expect.stringContaining('cluster "prdo" is not one GORT watches') }),
    ]);
  });

  it('with prod\'s API down, reaches staging\'s verdict on time, says why prod is not judged, and picks prod up again when it returns', async () => {
    const prod = env.sandbox.cluster('prod');
    await prod.stopKubeApi();
    try {
      const pushedAt = Date.now();
      const sha = await env.pushFiles('Say hello from staging', files => ({
        ...files,
        [`${STAGING}/deployment.yaml`]: files[`${STAGING}/deployment.yaml`].replace('Hello from', 'Hi from'),
      }));
      let run: Run | undefined;
      await env.waitFor('staging succeeded and prod reported unreachable', async () => {
        const summary = (await env.runs()).find(r => r.sha === sha);
        run = summary && (await env.run(summary.id));
        return verdictIn(run!, 'staging')?.state === 'succeeded' && verdictIn(run!, 'prod')?.state === 'unreachable';
      }, 45_000, () => JSON.stringify(run?.verdicts));
      const staging = Date.now() - pushedAt;
      process.stdout.write(`staging verdict with prod down: ${staging} ms after the push\n`);
      expect(staging).toBeLessThan(45_000);
      expect(verdictIn(run!, 'prod')).toMatchObject({ clusterProblem: 'unreachable' });
      expect(verdictIn(run!, 'prod')?.detail).toMatch(/^cluster prod unreachable since \d\d:\d\d UTC/);
      expect(run!.state).not.toBe('failed');

      // prod comes back before the deadline: its verdict is reached and the run succeeds.
      await prod.startKubeApi();
      const back = await env.waitForRun(sha, done);
      expect(back).toMatchObject({ outcome: 'succeeded' });
      expect(verdictIn(back, 'prod')).toMatchObject({ state: 'succeeded' });
    } finally {
      await prod.startKubeApi();
    }

    // Down until the deadline: the run ends partial, staging's verdict intact.
    await prod.stopKubeApi();
    try {
      const sha = await env.pushFiles('Say hi from staging again', files => ({
        ...files,
        [`${STAGING}/deployment.yaml`]: files[`${STAGING}/deployment.yaml`].replace('Hi from', 'Hello again from'),
      }));
      const run = await env.waitForRun(sha, done, PODINFO, 150_000);
      expect(run.outcome).toBe('partial');
      expect(verdictIn(run, 'staging')).toMatchObject({ state: 'succeeded' });
      expect(verdictIn(run, 'prod')).toMatchObject({ state: 'unreachable' });
      expect(run.timeline.at(-1)?.message).toMatch(/^Landed: staging:Kustomization\/flux-system\/podinfo in cluster staging; not judged: cluster prod unreachable since/);
      expect(run.diagnosis).toBeUndefined();
    } finally {
      await prod.startKubeApi();
    }
  });
});
