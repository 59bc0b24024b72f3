import { sign } from '@octokit/webhooks-methods';
import { SANDBOX_DEFAULTS } from '@gort-backstage/sandbox';
import { GortEnvironment } from './harness/gortEnvironment';

jest.setTimeout(300_000);

const finished = (run: { state: string }) => ['done', 'error', 'superseded'].includes(run.state);

describe('GORT end to end: real backend, signed pushes, Flux in the sandbox', () => {
  let env: GortEnvironment;

  beforeAll(async () => {
    env = await GortEnvironment.start();
  });

  afterAll(async () => {
    await env?.close();
  });

  it('follows a signed push to success at exactly the pushed revision', async () => {
    const sha = await env.push('fix');
    const run = await env.waitForRun(sha, finished);
    expect(run).toMatchObject({ state: 'done', outcome: 'succeeded', sha, trigger: 'push' });
    expect(run.verdicts[0]).toMatchObject({ state: 'succeeded', detail: `applied revision main@sha1:${sha} and its health checks passed` });
    expect(run.timeline.map(e => e.state)).toEqual(expect.arrayContaining(['queued', 'succeeded', 'done']));
    const status = await env.api(`/entities/default/component/podinfo/status`);
    expect(status.body.objects[0]).toMatchObject({ state: 'ready', lastAppliedRevision: `main@sha1:${sha}` });
  });

  it('diagnoses a breaking push with the right category and evidence', async () => {
    const sha = await env.push('bad-image');
    const run = await env.waitForRun(sha, finished);
    expect(run).toMatchObject({ state: 'done', outcome: 'failed', category: 'image-pull' });
    expect(run.failure).toMatchObject({ object: 'Kustomization/flux-system/podinfo', reason: 'HealthCheckFailed' });
    expect(run.diagnosis).toMatchObject({ category: 'image-pull', object: 'Deployment/podinfo/podinfo' });
    expect(run.evidence.some(e => /ImagePullBackOff|ErrImagePull/.test(e.message))).toBe(true);
    expect(run.timeline.map(e => e.state)).toEqual(expect.arrayContaining(['failed', 'diagnosing', 'done']));
  });

  it('ignores a redelivery of the same delivery id', async () => {
    const before = (await env.runs()).length;
    const last = env.sandbox.github.deliveries().filter(d => d.event === 'push').pop()!;
    const again = await env.sandbox.github.redeliver(last.id);
    // 200 means "already handled"; a delivery that creates runs gets 202
    expect(last.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect((await env.runs()).length).toBe(before);
  });

  it('answers 401 to a wrong signature and stores nothing', async () => {
    const before = (await env.runs()).length;
    const last = env.sandbox.github.deliveries().filter(d => d.event === 'push').pop()!;
    const forged = last.body.replace(/"after":"[0-9a-f]{40}"/, `"after":"${'f'.repeat(40)}"`);
    const res = await fetch(`${env.backend.baseUrl}/api/gort/webhook`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'push',
        'X-GitHub-Delivery': 'forged-1',
        'X-Hub-Signature-256': await sign('not-the-secret', forged),
      },
      body: forged,
    });
    expect(res.status).toBe(401);
    expect((await env.runs()).length).toBe(before);
    // the same body with the right secret is accepted: the 401 was about the signature
    const genuine = await fetch(`${env.backend.baseUrl}/api/gort/webhook`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'push',
        'X-GitHub-Delivery': 'forged-1',
        'X-Hub-Signature-256': await sign(SANDBOX_DEFAULTS.webhookSecret, forged),
      },
      body: forged,
    });
    expect(genuine.status).toBe(202);
  });

  it('supersedes a run still waiting when a newer push arrives', async () => {
    const first = await env.push('crashloop');
    const second = await env.push('fix');
    const older = await env.waitForRun(first, finished);
    const newer = await env.waitForRun(second, finished);
    expect(older).toMatchObject({ state: 'superseded', supersededBy: newer.id });
    expect(newer).toMatchObject({ state: 'done', outcome: 'succeeded' });
  });

  it('resumes an in-flight run after the backend is killed and restarted', async () => {
    const sha = await env.push('oom');
    await env.waitForRun(sha, run => ['waiting_for_source', 'reconciling'].includes(run.state));
    await env.backend.stop('SIGKILL');
    await env.backend.start();
    const run = await env.waitForRun(sha, finished);
    expect(run).toMatchObject({ state: 'done', outcome: 'failed', category: 'oom-killed' });
    // each state was entered once: nothing was done twice across the restart
    const states = run.timeline.map(e => e.state).filter(s => s !== 'diagnosing');
    expect(new Set(states).size).toBe(states.length);
  });

  it('reconnects to a cluster that went away mid-watch', async () => {
    await env.push('fix').then(sha => env.waitForRun(sha, finished));
    await env.sandbox.stopKubeApi();
    await new Promise(r => setTimeout(r, 3000));
    const sha = await env.push('bad-image');
    await env.sandbox.startKubeApi();
    const run = await env.waitForRun(sha, finished);
    expect(run).toMatchObject({ state: 'done', outcome: 'failed', category: 'image-pull' });
    expect(env.backend.log).toMatch(/Watch of \w+ on cluster demo failed/);
  });
});
