import { execFileSync } from 'node:child_process';
import { GortEnvironment, PODINFO } from './harness/gortEnvironment';

jest.setTimeout(600_000);

const DIAGNOSE_ONLY = 'component:default/podinfo-copy-0';
const DEPLOYMENT = 'clusters/demo/podinfo/deployment.yaml';
const done = (run: { state: string }) => ['done', 'error', 'superseded'].includes(run.state);

describe('fix pull requests and intent, end to end (sandbox GitHub, Anthropic, Flux)', () => {
  let env: GortEnvironment;
  const gh = (path: string, init: RequestInit = {}) =>
    fetch(`${env.sandbox.githubUrl}${path}`, {
      ...init,
      headers: { Authorization: `token ${env.sandbox.token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
    }).then(async res => ({ status: res.status, body: await res.json() }));
  const pulls = async () => (await gh('/repos/acme/podinfo-gitops/pulls?state=all&per_page=100')).body as any[];
  const branches = () =>
    execFileSync('git', ['--git-dir', env.sandbox.git.repoDir('acme', 'podinfo-gitops'), 'branch', '--list', 'gort/*'], { encoding: 'utf8' })
      .split('\n')
      .map(b => b.trim())
      .filter(Boolean);

  beforeAll(async () => {
    env = await GortEnvironment.start({
      extraEntities: 1,
      extraEntityAnnotations: () => ({ 'gort.io/mode': 'diagnose-only' }),
    });
    await env.waitForRun(await env.push('fix'), done);
  });

  afterAll(async () => {
    await env?.close();
  });

  it('answers a breaking push with a validated PR, updates it for the same failure, and merging it closes the loop', async () => {
    const started = Date.now();
    const bad = await env.push('bad-image');
    const run = await env.waitForRun(bad, r => done(r) && Boolean(r.fixPr));
    expect(run).toMatchObject({ outcome: 'failed', category: 'image-pull', fixPr: { status: 'opened', prState: 'open' } });
    expect(run.fixPr!.validation.every(check => check.ok || /skipped/i.test(check.detail))).toBe(true);
    // kubectl is part of the toolchain (.ci/run refuses to start without it): the build really ran
    expect(run.fixPr!.validation.find(check => check.check === 'kustomize-build')).toMatchObject({ ok: true, status: 'passed' });
    expect(run.ai).toMatchObject({ provider: 'anthropic' });
    process.stdout.write(`push -> fix PR: ${Date.now() - started} ms; AI tokens ${run.ai!.tokens.input} in / ${run.ai!.tokens.output} out\n`);
    const [pr] = (await pulls()).filter(p => p.number === run.fixPr!.number);
    expect(pr.labels.map((l: any) => l.name)).toContain('gort');
    expect(pr.body).toContain('/catalog/default/component/podinfo/gitops');

    // diagnose-only: findings only, never a PR
    const quiet = await env.waitForRun(bad, r => done(r) && Boolean(r.fixPr), DIAGNOSE_ONLY);
    expect(quiet.fixPr).toMatchObject({ status: 'commented' });

    // the same failure again: the open PR is updated, no second PR
    await env.waitForRun(await env.push('fix'), done);
    const again = await env.push('bad-image');
    const second = await env.waitForRun(again, r => done(r) && Boolean(r.fixPr));
    expect(second.fixPr).toMatchObject({ status: 'updated', number: run.fixPr!.number });
    expect((await pulls()).filter(p => p.state === 'open')).toHaveLength(1);

    // merging the fix makes Flux reconcile successfully
    const merged = await gh(`/repos/acme/podinfo-gitops/pulls/${run.fixPr!.number}/merge`, { method: 'PUT', body: JSON.stringify({ merge_method: 'merge' }) });
    expect(merged.status).toBe(200);
    const mergeRun = await env.waitForRun(merged.body.sha, done);
    expect(mergeRun).toMatchObject({ state: 'done', outcome: 'succeeded' });
  });

  it('rejects an AI proposal that edits .github/workflows, and pushes nothing', async () => {
    env.sandbox.anthropic.setMode('adversarial');
    try {
      const before = branches();
      const sha = await env.push('oom');
      const run = await env.waitForRun(sha, r => done(r) && Boolean(r.fixPr));
      expect(run.fixPr).toMatchObject({ status: 'rejected' });
      expect(run.fixPr!.validation.some(c => !c.ok && /\.github/.test(c.detail))).toBe(true);
      expect(branches()).toEqual(before);
    } finally {
      env.sandbox.anthropic.setMode('normal');
      await env.waitForRun(await env.push('fix'), done);
    }
  });

  it('does not use an answer truncated at max_tokens', async () => {
    env.sandbox.anthropic.setMode('truncate');
    try {
      const sha = await env.push('crashloop');
      const run = await env.waitForRun(sha, r => done(r) && Boolean(r.ai));
      expect(run.ai!.error).toMatch(/max_tokens/);
      expect(run.category).toBe('workload-failed');
      expect(run.fixPr?.status ?? 'none').not.toMatch(/opened|updated/);
    } finally {
      env.sandbox.anthropic.setMode('normal');
      await env.waitForRun(await env.push('fix'), done);
    }
  });

  it('retries a provider outage, then keeps the rules-only diagnosis with a clear error', async () => {
    env.sandbox.anthropic.failNext(429, 1);
    env.sandbox.anthropic.failNext(529, 20);
    const sha = await env.push('bad-image');
    const run = await env.waitForRun(sha, r => done(r) && Boolean(r.ai));
    expect(run).toMatchObject({ state: 'done', outcome: 'failed', category: 'image-pull' });
    expect(run.ai!.error).toMatch(/529|overloaded/i);
    env.sandbox.anthropic.clearFailures();
    await env.waitForRun(await env.push('fix'), done);
  });

  it('finds a successful deployment that contradicts its plan and proposes a fix', async () => {
    const sha = await env.pushFiles('Scale podinfo down to save resources', files => ({
      ...files,
      [DEPLOYMENT]: files[DEPLOYMENT].replace('replicas: 2', 'replicas: 1'),
    }));
    const run = await env.waitForRun(sha, r => done(r) && Boolean(r.intent), PODINFO);
    expect(run).toMatchObject({ outcome: 'succeeded', intentMet: false, intent: { met: false, mode: 'ai' } });
    expect(run.intent!.findings.some(f => f.status === 'not_met' && /replica/i.test(f.expectation))).toBe(true);
    expect(run.fixPr?.status).toMatch(/opened|updated/);
  });
});
