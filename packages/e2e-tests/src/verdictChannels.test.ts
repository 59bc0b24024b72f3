import { REQUESTED_AT, SANDBOX_DEFAULTS } from '@gort-backstage/sandbox';
import { GortEnvironment, PODINFO } from './harness/gortEnvironment';
import { PG_ENV } from './harness/postgres';

jest.setTimeout(900_000);

const REPO = '/repos/acme/podinfo-gitops';
const done = (run: { state: string }) => ['done', 'error', 'superseded'].includes(run.state);

interface CheckRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  external_id: string;
  details_url: string;
  output: { title: string; summary: string };
}

/** The sandbox GitHub, read as a person with the token would read it. */
function github(env: GortEnvironment) {
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${env.sandbox.githubUrl}${path}`, {
      ...init,
      headers: { Authorization: `token ${env.sandbox.token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
    });
    return { status: res.status, body: await res.json() };
  };
  return {
    call,
    checkRuns: async (sha: string, query = 'filter=all') =>
      (await call(`${REPO}/commits/${sha}/check-runs?${query}&per_page=100`)).body.check_runs as CheckRun[],
    statuses: async (sha: string) => (await call(`${REPO}/commits/${sha}/statuses?per_page=100`)).body as Array<{ context: string; state: string; target_url: string }>,
  };
}

/** The guest's notifications from GORT (the guest is in the team that owns podinfo). */
async function gortNotifications(env: GortEnvironment) {
  const res = await fetch(`${env.backend.baseUrl}/api/notifications/notifications?limit=100`, {
    headers: { Authorization: `Bearer ${await env.token()}` },
  });
  const body = (await res.json()) as { notifications: Array<{ id: string; read: string | null; updated: string | null; created: string; payload: { title: string; scope?: string; topic?: string; severity?: string; link?: string } }> };
  return body.notifications.filter(n => n.payload.topic === 'gort');
}

describe('verdict channels through a GitHub App: check runs and notifications', () => {
  let env: GortEnvironment;
  let gh: ReturnType<typeof github>;
  const replicas = process.env[PG_ENV] ? 2 : 1;

  beforeAll(async () => {
    env = await GortEnvironment.start({
      githubApp: true,
      backends: replicas,
      gortConfig: { checks: { updateInterval: '1s', mergedPrComment: true } },
    });
    gh = github(env);
    await env.waitForRun(await env.push('fix'), done);
  });

  afterAll(async () => {
    await env?.close();
  });

  it('shows a breaking push in progress, then action_required with the fix PR; the merge of the fix shows success', async () => {
    const bad = await env.push('bad-image');
    const seen = new Set<string>();
    await env.waitFor('the check run of the breaking push to be in progress', async () => {
      const [check] = await gh.checkRuns(bad, 'check_name=gort/podinfo');
      if (check) seen.add(check.status);
      return seen.has('in_progress');
    }, 120_000);

    const run = await env.waitForRun(bad, r => done(r) && Boolean(r.fixPr), PODINFO, 300_000);
    expect(run).toMatchObject({ outcome: 'failed', fixPr: { status: 'opened' } });
    let check: CheckRun | undefined;
    await env.waitFor('the check run to conclude', async () => {
      [check] = await gh.checkRuns(bad, 'check_name=gort/podinfo');
      return check?.status === 'completed';
    }, 60_000, () => JSON.stringify(check));
    expect(check).toMatchObject({ conclusion: 'action_required', external_id: run.id });
    expect(check!.details_url).toContain(`/catalog/default/component/podinfo/gitops/runs/${run.id}`);
    expect(check!.output.summary).toContain(run.fixPr!.url!);
    expect(check!.output.summary).toContain('`image-pull`');
    // default content: no evidence
    expect(check!.output.summary).not.toContain('Evidence');

    // the owner (the guest, via platform-team) got one notification
    let mine: Awaited<ReturnType<typeof gortNotifications>> = [];
    await env.waitFor('the owner notification', async () => {
      mine = await gortNotifications(env);
      return mine.length === 1;
    }, 60_000, () => JSON.stringify(mine));
    expect(mine[0].payload).toMatchObject({ severity: 'high', link: `/catalog/default/component/podinfo/gitops/runs/${run.id}` });
    expect(mine[0].payload.scope).toMatch(/^gort:component:default\/podinfo:[0-9a-f]{16}$/);

    const merged = await gh.call(`${REPO}/pulls/${run.fixPr!.number}/merge`, { method: 'PUT', body: JSON.stringify({ merge_method: 'merge' }) });
    expect(merged.status).toBe(200);
    const mergeRun = await env.waitForRun(merged.body.sha, done, PODINFO, 300_000);
    expect(mergeRun).toMatchObject({ state: 'done', outcome: 'succeeded' });
    let mergeCheck: CheckRun | undefined;
    await env.waitFor('the check of the merge commit to conclude', async () => {
      [mergeCheck] = await gh.checkRuns(merged.body.sha, 'check_name=gort/podinfo');
      return mergeCheck?.status === 'completed';
    }, 60_000, () => JSON.stringify(mergeCheck));
    expect(mergeCheck).toMatchObject({ conclusion: 'success', external_id: mergeRun.id });
    // the merged pull request carries the verdict, in one comment
    let comments: Array<{ body: string }> = [];
    await env.waitFor('the verdict comment on the merged PR', async () => {
      comments = (await gh.call(`${REPO}/issues/${run.fixPr!.number}/comments`)).body;
      return comments.some(c => c.body.includes('gort-verdict:component:default/podinfo'));
    }, 60_000);
    expect(comments.filter(c => c.body.includes('gort-verdict:component:default/podinfo'))).toHaveLength(1);
  });

  it('leaves exactly one check per entity after a redelivery to another replica', async () => {
    const sha = await env.push('fix');
    await env.sandbox.github.waitForDeliveries();
    await env.waitForRun(sha, done);
    const delivery = env.sandbox.github.deliveries().filter(d => d.event === 'push').at(-1)!;
    env.sandbox.github.setWebhook({ url: `${env.backends[replicas - 1].baseUrl}/api/gort/webhook`, secret: SANDBOX_DEFAULTS.webhookSecret });
    try {
      await env.sandbox.github.redeliver(delivery.id);
      await env.sandbox.github.redeliver(delivery.id);
    } finally {
      env.sandbox.github.setWebhook({ url: `${env.backend.baseUrl}/api/gort/webhook`, secret: SANDBOX_DEFAULTS.webhookSecret });
    }
    await new Promise(resolve => setTimeout(resolve, 3000));
    const checks = await gh.checkRuns(sha);
    expect(checks.filter(c => c.name === 'gort/podinfo')).toHaveLength(1);
    expect(checks[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('updates the one notification when the same failure comes back', async () => {
    // the merged fix made its own (low severity) notification, with another scope
    const failures = async () => (await gortNotifications(env)).filter(n => n.payload.severity === 'high');
    const before = await failures();
    expect(before).toHaveLength(1);
    // the owner reads it; the repeat makes it unread again
    const read = await fetch(`${env.backend.baseUrl}/api/notifications/update`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await env.token()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ids: [before[0].id], read: true }),
    });
    expect(read.status).toBe(200);
    expect((await failures())[0].read).not.toBeNull();
    const again = await env.push('bad-image');
    await env.waitForRun(again, r => done(r) && Boolean(r.fixPr), PODINFO, 300_000);
    let after: typeof before = [];
    await env.waitFor('the notification to be updated', async () => {
      after = await failures();
      return after.length === 1 && after[0].updated !== before[0].updated && after[0].updated !== null;
    }, 60_000, () => JSON.stringify(after));
    expect(after[0].id).toBe(before[0].id);
    expect(after[0].read).toBeNull();
    expect(after[0].payload.scope).toBe(before[0].payload.scope);
    await env.waitForRun(await env.push('fix'), done);
  });
});

describe('a push to 50 entities', () => {
  let env: GortEnvironment;

  beforeAll(async () => {
    env = await GortEnvironment.start({ githubApp: true, extraEntities: 49, gortConfig: { checks: { updateInterval: '2s' } } });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('makes one aggregate check with a row per entity', async () => {
    const gh = github(env);
    const sha = await env.pushFiles('Describe the service', files => ({ ...files, 'README.md': `${files['README.md'] ?? ''}\nMore words.\n` }));
    await env.waitForRun(sha, done, PODINFO, 300_000);
    let checks: CheckRun[] = [];
    await env.waitFor('the aggregate check to conclude', async () => {
      checks = await gh.checkRuns(sha);
      return checks.length > 0 && checks.every(c => c.status === 'completed');
    }, 300_000, () => JSON.stringify(checks.map(c => [c.name, c.status, c.output.title])));
    expect(checks.map(c => c.name)).toEqual(['gort/all']);
    expect(checks[0].output.summary.split('\n').filter(line => line.startsWith('| [component:'))).toHaveLength(50);
    process.stdout.write(`aggregate check: ${checks[0].conclusion}, ${checks[0].output.title}\n`);
  });
});

describe('verdict channels with a token only: commit statuses', () => {
  let env: GortEnvironment;

  // Flux acts on a push only when the test says so (no reconcile request from GORT, a source
  // interval longer than the test), so the run is in progress for as long as the test needs:
  // a run that ends within the first-update delay (1 s) rightly posts only its verdict.
  beforeAll(async () => {
    env = await GortEnvironment.start({
      sourceInterval: '10m',
      gortConfig: { flux: { requestReconcile: false } },
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('posts pending, then the verdict, as a gort/ status linking the run page', async () => {
    const gh = github(env);
    const sha = await env.push('fix');
    let pending: Awaited<ReturnType<typeof gh.statuses>> = [];
    await env.waitFor('the pending status while Flux has not reconciled the push', async () => {
      pending = (await gh.statuses(sha)).filter(s => s.context === 'gort/podinfo');
      return pending.some(s => s.state === 'pending');
    }, 60_000, () => JSON.stringify(pending));
    // `flux reconcile source git flux-system`
    env.sandbox.kube.store.patch(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' },
      'flux-system',
      'flux-system',
      'merge',
      { metadata: { annotations: { [REQUESTED_AT]: new Date().toISOString() } } },
    );
    const run = await env.waitForRun(sha, done);
    let statuses: Awaited<ReturnType<typeof gh.statuses>> = [];
    await env.waitFor('the final status', async () => {
      statuses = await gh.statuses(sha);
      return statuses.some(s => s.state !== 'pending');
    }, 60_000, () => JSON.stringify(statuses));
    const mine = statuses.filter(s => s.context === 'gort/podinfo');
    expect(mine.map(s => s.state).reverse()).toEqual(expect.arrayContaining(['pending', 'success']));
    expect(run.outcome).toBe('succeeded');
    expect(mine[0]).toMatchObject({ state: 'success' });
    expect(mine[0].target_url).toContain(`/runs/${run.id}`);
    expect(await gh.checkRuns(sha)).toEqual([]);
    expect((await gh.call(`${REPO}/commits/${sha}/status`)).body.state).toBe('success');
  });
});
