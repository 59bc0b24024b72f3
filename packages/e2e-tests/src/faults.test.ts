import { SANDBOX_DEFAULTS } from '@gort-backstage/sandbox';
import type { Run } from '@gort-backstage/plugin-gort-common';
import { GortEnvironment, PODINFO } from './harness/gortEnvironment';
import { describeWithPostgres } from './harness/postgres';

/*
 * Fault injection through real backend processes, with timings scaled down:
 * a 3 s lease (the harness default) and a 9 s AI answer (three leases).
 */
jest.setTimeout(900_000);

const SLOW_AI_MS = 9_000;
const REPO = '/repos/acme/podinfo-gitops';
const done = (run: { state: string }) => ['done', 'error', 'superseded'].includes(run.state);

function github(env: GortEnvironment) {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${env.sandbox.githubUrl}${path}`, {
      ...init,
      headers: { Authorization: `token ${env.sandbox.token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
    }).then(async res => ({ status: res.status, body: await res.json() }));
  return {
    call,
    gortPulls: async () => ((await call(`${REPO}/pulls?state=all&per_page=100`)).body as any[]).filter(p => String(p.head.ref).startsWith('gort/')),
    closeOpenGortPulls: async () => {
      for (const pull of ((await call(`${REPO}/pulls?state=open&per_page=100`)).body as any[]).filter(p => String(p.head.ref).startsWith('gort/'))) {
        await call(`${REPO}/pulls/${pull.number}`, { method: 'PATCH', body: JSON.stringify({ state: 'closed' }) });
      }
    },
  };
}

const workersOf = (env: GortEnvironment, runId: string) => env.backends.filter(b => b.log.includes(`GORT run ${runId} `)).map(b => b.name);

describeWithPostgres('fault injection: two replicas on PostgreSQL', () => {
  let env: GortEnvironment;

  beforeAll(async () => {
    env = await GortEnvironment.start({ backends: 2, database: 'postgres' });
    await env.waitForRun(await env.push('fix'), done);
  });
  afterAll(async () => {
    await env?.close();
  });

  it(`opens exactly one PR when the AI takes ${SLOW_AI_MS / 1000} s (three leases), and no run is worked by both`, async () => {
    env.sandbox.anthropic.setResponseDelay({ slowMs: SLOW_AI_MS });
    try {
      const sha = await env.push('bad-image');
      const run = await env.waitForRun(sha, r => done(r) && Boolean(r.fixPr), PODINFO, 240_000);
      expect(run.fixPr).toMatchObject({ status: 'opened' });
      expect(await github(env).gortPulls()).toHaveLength(1);
      expect(workersOf(env, run.id)).toHaveLength(1);
    } finally {
      env.sandbox.anthropic.setResponseDelay(undefined);
    }
    await env.waitForRun(await env.push('fix'), done);
  });

  /** Makes the plugin database refuse every insert into `table` while `work` runs. */
  async function refusingInserts<T>(
    table: string,
    work: (db: ReturnType<GortEnvironment['pluginDatabase']>) => Promise<T>,
  ): Promise<T> {
    const db = env.pluginDatabase();
    try {
      await db.raw(
        `CREATE OR REPLACE FUNCTION gort_e2e_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`,
      );
      await db.raw(
        `CREATE TRIGGER gort_e2e_refuse BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION gort_e2e_refuse()`,
      );
      return await work(db);
    } finally {
      await db
        .raw(`DROP TRIGGER IF EXISTS gort_e2e_refuse ON ${table}`)
        .catch(() => undefined);
      await db.destroy();
    }
  }

  it('keeps an acknowledged push in the inbox while the database refuses its runs, and creates them once it recovers, with no redelivery', async () => {
    const before = env.sandbox.github.deliveries().length;
    const sha = await refusingInserts('gort_runs', async db => {
      const pushed = await env.push('oom');
      await env.sandbox.github.waitForDeliveries();
      const delivery = env.sandbox.github
        .deliveries()
        .slice(before)
        .find(d => d.event === 'push')!;
      expect(delivery.statusCode).toBe(202);
      // the drain fails and says so on the row, which stays
      for (
        let i = 0;
        i < 100 &&
        !(await db('gort_delivery_inbox')
          .where('delivery_id', delivery.id)
          .where('attempts', '>', 0)
          .first());
        i++
      ) {
        await new Promise(r => setTimeout(r, 100));
      }
      expect(
        await db('gort_delivery_inbox')
          .where('delivery_id', delivery.id)
          .first('attempts', 'last_error'),
      ).toMatchObject({
        last_error: expect.stringContaining('injected failure'),
      });
      expect((await env.runs()).some(r => r.sha === pushed)).toBe(false);
      return pushed;
    });
    // a later scheduled drain on either replica creates the run
    const run = await env.waitForRun(
      sha,
      r => r.state !== 'queued',
      PODINFO,
      120_000,
    );
    expect(run.trigger).toBe('push');
    expect(
      env.sandbox.github
        .deliveries()
        .slice(before)
        .filter(d => d.event === 'push'),
    ).toHaveLength(1);
    await env.waitForRun(await env.push('fix'), done, PODINFO, 240_000);
  });

  it('stores nothing when the database refuses the delivery itself, and the redelivery creates the runs', async () => {
    const before = env.sandbox.github.deliveries().length;
    const { sha, failedId } = await refusingInserts(
      'gort_delivery_inbox',
      async db => {
        const pushed = await env.push('oom');
        await env.sandbox.github.waitForDeliveries();
        const failed = env.sandbox.github
          .deliveries()
          .slice(before)
          .find(d => d.event === 'push')!;
        expect(failed.statusCode).toBe(500);
        expect(
          await db('gort_delivery_inbox')
            .where('delivery_id', failed.id)
            .first(),
        ).toBeUndefined();
        expect(
          await db('gort_deliveries').where('delivery_id', failed.id).first(),
        ).toBeUndefined();
        expect((await env.runs()).some(r => r.sha === pushed)).toBe(false);
        return { sha: pushed, failedId: failed.id };
      },
    );
    const redelivered = await env.sandbox.github.redeliver(failedId);
    expect(redelivered.statusCode).toBe(202);
    const run = await env.waitForRun(sha, r => r.state !== 'queued');
    expect(run.sha).toBe(sha);
    await env.waitForRun(await env.push('fix'), done, PODINFO, 240_000);
  });

  it('keeps one waiting run through 50 concurrent "Run now" requests and pushes; the rate limit holds across replicas and nothing else is refused', async () => {
    const before = env.sandbox.github.deliveries().length;
    const requests = Array.from({ length: 50 }, (_, i) =>
      env.api('/runs', { method: 'POST', body: JSON.stringify({ entityRef: PODINFO }) }, env.backends[i % 2]).then(r => r.status),
    );
    // Two pushes in a row, concurrent with the requests: pushes from two clones at
    // once would race on the branch ref in Git itself.
    const pushes = env.push('fix').then(() => env.push('oom'));
    const statuses = await Promise.all(requests);
    await pushes;
    await env.sandbox.github.waitForDeliveries();
    // The manual-run limit (5 per user and entity in 10 minutes, counted in the
    // database) admits at most 5 of the 50, whichever replica they reach.
    const accepted = statuses.filter(s => s === 200 || s === 201);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(5);
    expect(statuses.filter(s => s !== 200 && s !== 201 && s !== 429)).toEqual([]);
    expect(env.sandbox.github.deliveries().slice(before).filter(d => d.event === 'push' && d.statusCode !== 202)).toEqual([]);
    const db = env.pluginDatabase();
    try {
      const waiting = await db('gort_runs').where('entity_ref', PODINFO).whereIn('state', ['queued', 'waiting_for_source', 'reconciling']).count({ n: '*' }).first();
      expect(Number(waiting?.n)).toBeLessThanOrEqual(1);
    } finally {
      await db.destroy();
    }
  });
});

describe('fault injection: kill -9 at each step of a fix, then restart', () => {
  let env: GortEnvironment;
  const bad = ['bad-image', 'oom', 'bad-image', 'oom'];
  let round = 0;

  beforeAll(async () => {
    env = await GortEnvironment.start();
    await env.waitForRun(await env.push('fix'), done);
  });
  afterAll(async () => {
    await env?.close();
  });

  async function crashDuring(arm: () => void, crashPoint: (run: Run) => boolean, disarm: () => void) {
    const gh = github(env);
    await gh.closeOpenGortPulls();
    await env.waitForRun(await env.push('fix'), done, PODINFO, 240_000);
    arm();
    const sha = await env.push(bad[round++ % bad.length]);
    let crashed: Run;
    try {
      crashed = await env.waitForRun(sha, crashPoint, PODINFO, 240_000);
      await env.backend.stop('SIGKILL');
    } finally {
      disarm();
    }
    await env.backend.start();
    const run = await env.waitForRun(sha, r => done(r) && Boolean(r.fixPr), PODINFO, 240_000);
    expect(run.id).toBe(crashed.id);
    expect(run.fixPr).toMatchObject({ status: 'opened' });
    const forBranch = (await gh.gortPulls()).filter(p => p.head.ref === run.fixPr!.branch);
    expect(forBranch).toHaveLength(1);
    expect((await gh.gortPulls()).filter(p => p.state === 'open')).toHaveLength(1);
    return run;
  }

  const diagnosed = (run: Run) => run.timeline.some(e => /^Diagnosed as /.test(e.message));
  const ai = () => env.sandbox.anthropic;
  const gitHub = () => env.sandbox.github;
  const pullsPost = (r: { method: string; path: string }) => r.method === 'POST' && r.path === `${REPO}/pulls`;

  it('after the diagnosis', async () => {
    await crashDuring(() => ai().setResponseDelay('hang'), diagnosed, () => ai().setResponseDelay(undefined));
  });

  it('during the AI call', async () => {
    await crashDuring(() => ai().setResponseDelay('hang'), run => diagnosed(run) && ai().hangingRequests() > 0, () => ai().setResponseDelay(undefined));
  });

  it('after the branch push, before the pull request', async () => {
    await crashDuring(
      () => gitHub().setResponseDelay('hang', pullsPost, 'before'),
      () => gitHub().hangingRequests() > 0,
      () => gitHub().setResponseDelay(undefined),
    );
  });

  it('after GitHub created the pull request, before the database recorded it', async () => {
    await crashDuring(
      () => gitHub().setResponseDelay('hang', pullsPost, 'after'),
      () => gitHub().hangingRequests() > 0,
      () => gitHub().setResponseDelay(undefined),
    );
  });
});

describe('fault injection: a push whose webhook never arrives', () => {
  let env: GortEnvironment;

  beforeAll(async () => {
    env = await GortEnvironment.start({ sourceInterval: '3s' });
    await env.waitForRun(await env.push('fix'), done);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('is found through Flux: a catch-up run follows the commit', async () => {
    env.sandbox.github.setWebhook(undefined);
    const sha = await env.push('oom');
    const run = await env.waitForRun(sha, r => r.state !== 'queued', PODINFO, 120_000);
    expect(run.trigger).toBe('catch-up');
    expect(run.timeline[0].message).toMatch(/push never arrived/);
    env.sandbox.github.setWebhook({ url: `${env.backend.baseUrl}/api/gort/webhook`, secret: SANDBOX_DEFAULTS.webhookSecret });
    const finished = await env.waitForRun(sha, done, PODINFO, 240_000);
    expect(finished.outcome).toBe('failed');
  });
});

describe('fault injection: a replica that dies before it could write a finished run\'s check', () => {
  let env: GortEnvironment;

  beforeAll(async () => {
    env = await GortEnvironment.start({ githubApp: true, gortConfig: { checks: { updateInterval: '1s', catchUpAfter: '3s' } } });
    await env.waitForRun(await env.push('fix'), done);
  });
  afterAll(async () => {
    await env?.close();
  });

  const checksOf = async (sha: string) =>
    (await github(env).call(`${REPO}/commits/${sha}/check-runs?check_name=gort/podinfo&filter=all`)).body.check_runs as Array<{ status: string; conclusion: string | null; external_id: string }>;

  it('gets the verdict onto the one check from the catch-up after the restart', async () => {
    const gitHub = env.sandbox.github;
    // the previous push's check is complete (the database says done a moment before GitHub does)
    const previous = (await env.runs(PODINFO)).find(done)!;
    await env.waitFor('the previous check to complete', async () => (await checksOf(previous.sha)).some(c => c.status === 'completed'), 60_000);
    // The check is made in progress; the update that would complete it never reaches GitHub.
    const checkUpdates = (r: { method: string; path: string }) => r.path.includes('/check-runs/') && r.method === 'PATCH';
    gitHub.setResponseDelay('hang', checkUpdates, 'before');
    let run: Run;
    try {
      const sha = await env.push('bad-image');
      run = await env.waitForRun(sha, r => done(r) && Boolean(r.fixPr), PODINFO, 240_000);
      await env.waitFor('a check write to hang', async () => gitHub.hangingRequests() > 0, 60_000);
      await env.backend.stop('SIGKILL');
    } finally {
      gitHub.setResponseDelay(undefined);
    }
    expect(run).toMatchObject({ state: 'done', outcome: 'failed', fixPr: { status: 'opened' } });
    expect((await checksOf(run.sha)).map(c => c.status)).not.toContain('completed');

    await env.backend.start();
    let checks: Awaited<ReturnType<typeof checksOf>> = [];
    await env.waitFor('the catch-up to complete the check', async () => {
      checks = await checksOf(run.sha);
      return checks.some(c => c.status === 'completed');
    }, 90_000, () => JSON.stringify(checks));
    expect(checks).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'action_required', external_id: run.id })]);
    // GitHub shows the update before the pass that made it logs it
    await env.waitFor('the catch-up to report what it posted', async () => /GORT posted the verdicts of 1 finished run\(s\) whose checks did not show them/.test(env.backend.log), 30_000);
  });
});
