import type { Run, RunDiagnosis, RunEvidenceItem } from '@gort-backstage/plugin-gort-common';
import { ADVERSARIAL_EDIT_PATH } from '@gort-backstage/sandbox';
import { clusterWithDeployment, DEPLOYMENT, recordingAuditor, startScenarioEnvironment } from './__testUtils__/scenario';
import { LeaseLostError } from '../runs/ports';
import { fixBranchName } from '../fixpr/prContent';

jest.setTimeout(60_000);

const BROKEN_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.5.99';
const GOOD_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.5.0';
const SERVICE_MARK = '# kept by the reviewer';

const PULL_EVIDENCE: RunEvidenceItem[] = [
  { source: 'Kustomization/flux-system/apps conditions', message: "Ready=False HealthCheckFailed: health check failed after 5m0s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress']" },
  {
    source: 'Pod/apps/podinfo-7d9f8c6b5-x2k4q events',
    message: `Warning Failed: Failed to pull image "${BROKEN_IMAGE}": rpc error: code = NotFound desc = failed to pull and unpack image "${BROKEN_IMAGE}": not found\nWarning Failed: Error: ImagePullBackOff`,
  },
];

const PULL_DIAGNOSIS: RunDiagnosis = {
  category: 'image-pull',
  object: 'Deployment/apps/podinfo',
  summary: `Deployment/apps/podinfo cannot pull image ${BROKEN_IMAGE}`,
  fix: 'Point the image at a tag that exists',
  confidence: 0.95,
  evidence: PULL_EVIDENCE,
  related: [],
};

function failed(run: Run, podHash = 'x2k4q'): Run {
  return {
    ...run,
    failure: {
      object: 'Kustomization/flux-system/apps',
      reason: 'HealthCheckFailed',
      message: `health check failed after 5m0.03s: Deployment/apps/podinfo pod podinfo-7d9f8c6b5-${podHash} ImagePullBackOff at ${run.sha}`,
    },
  };
}

describe('GortFollowUps against the sandbox GitHub and Anthropic', () => {
  let env: Awaited<ReturnType<typeof startScenarioEnvironment>>;
  const progress: string[] = [];
  const onProgress = async (message: string) => {
    progress.push(message);
  };
  // The run's lease is held throughout these tests.
  const held = async () => {};

  beforeAll(async () => {
    env = await startScenarioEnvironment();
  });
  afterAll(async () => {
    await env.close();
  });
  afterEach(() => env.anthropic.setMode('normal'));

  async function gortBranches(repo: string) {
    return (await env.gitStore.listRefs('acme', repo, 'refs/heads/gort/')).map(r => r.ref);
  }

  it('answers a failure with a validated fix PR, then updates that PR for the same failure', async () => {
    const { followUps } = env.build();
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    const started = Date.now();
    const result = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    const elapsedMs = Date.now() - started;

    expect(result.ai).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-5-5', confidence: expect.any(Number) });
    expect(result.ai?.error).toBeUndefined();
    const fixPr = result.fixPr!;
    expect(fixPr).toMatchObject({ status: 'opened', prState: 'open', branch: fixBranchName(s.entityRef, s.sha), number: expect.any(Number) });
    expect(fixPr.validation.length).toBeGreaterThanOrEqual(7);
    expect(fixPr.validation.every(c => c.ok)).toBe(true);
    // kubectl is part of the toolchain: the build ran on the Kustomization's tree
    expect(fixPr.validation.find(c => c.check === 'kustomize-build')).toMatchObject({ status: 'passed', detail: expect.stringMatching(/succeeded/) });
    expect(fixPr.files).toEqual(['apps/podinfo/deployment.yaml', `docs/plans/gort-fix-${s.sha.slice(0, 7)}.md`]);

    // One commit on top of the pushed SHA, with the image restored and the plan document.
    const log = await env.gitStore.logCommits('acme', s.repo, [`${s.sha}..refs/heads/${fixPr.branch}`]);
    expect(log).toHaveLength(1);
    const fixed = (await env.gitStore.readFile('acme', s.repo, fixPr.branch!, 'apps/podinfo/deployment.yaml'))!.content.toString();
    expect(fixed).toContain(GOOD_IMAGE);
    expect(fixed).not.toContain(BROKEN_IMAGE);
    const plan = await env.gitStore.readFile('acme', s.repo, fixPr.branch!, `docs/plans/gort-fix-${s.sha.slice(0, 7)}.md`);
    expect(plan?.content.toString()).toContain(s.sha);

    const { data: pr } = await env.octokit.pulls.get({ owner: 'acme', repo: s.repo, pull_number: fixPr.number! });
    expect(pr.labels.map(l => l.name)).toEqual(['gort']);
    expect(pr.base.ref).toBe('main');
    expect(pr.body).toContain('http://backstage.test/catalog/default/component/podinfo1/gitops');
    expect(pr.body).toContain('image-pull');
    expect(pr.body).toContain('✅ passed allowed-paths');
    expect(pr.body).toContain('✅ passed kustomize-build');
    const tokens = result.ai!.tokens;
    // Figures for the report.
    // eslint-disable-next-line no-console
    console.log(`fix PR: ${elapsedMs} ms failure→PR, tokens in ${tokens.input} out ${tokens.output}`);

    // The same failure on a later push (another pod): the open PR gets a new commit, no second PR.
    const again = await env.pushAgain(s, { 'README.md': '# fleet\n\nnotes\n' }, s.before);
    const second = await followUps.afterDiagnosis({ run: failed(again, 'zz9k1'), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(second.fixPr).toMatchObject({ status: 'updated', number: fixPr.number, branch: fixPr.branch, fingerprint: fixPr.fingerprint });
    const pulls = await env.octokit.pulls.list({ owner: 'acme', repo: s.repo, state: 'all' });
    expect(pulls.data).toHaveLength(1);
    expect(await env.gitStore.logCommits('acme', s.repo, [`${s.sha}..refs/heads/${fixPr.branch}`])).toHaveLength(2);
    expect(await gortBranches(s.repo)).toHaveLength(1);

    // The first run is now older than another run of the entity: it is skipped.
    const stale = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(stale.fixPr?.status).toBe('skipped');
    expect(stale.fixPr?.message).toMatch(/newer run/);
    expect(env.metrics.fixPrs).toEqual(expect.arrayContaining(['opened', 'updated', 'skipped']));
  });

  it('escalates instead of opening more PRs after a merged GORT fix keeps failing', async () => {
    const { followUps, prStates } = env.build({ fixPr: { maxAttemptsAfterMerge: 0 } });
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    const first = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(first.fixPr?.status).toBe('opened');
    // As the RunProcessor records it when the run is done.
    await env.runStore.updateFixPr(s.run.id, first.fixPr!);
    expect(await prStates.refresh()).toBe(0);
    await env.octokit.pulls.merge({ owner: 'acme', repo: s.repo, pull_number: first.fixPr!.number! });
    expect(await prStates.refresh()).toBe(1);
    expect((await env.runStore.getRun(s.run.id))?.fixPr).toMatchObject({ status: 'opened', prState: 'merged' });

    const merged = (await env.gitStore.getRef('acme', s.repo, 'refs/heads/main'))!;
    const created = await env.runStore.createRun({ entityRef: s.entityRef, objects: s.run.objects, repo: `acme/${s.repo}`, branch: 'main', sha: merged, beforeSha: s.sha, trigger: 'push', timeoutMs: 600_000 });
    const after = (await env.runStore.getRun(created.runId))!;
    const result = await followUps.afterDiagnosis({ run: failed(after), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(result.fixPr).toMatchObject({ status: 'escalated', number: first.fixPr!.number });
    const comments = await env.octokit.issues.listComments({ owner: 'acme', repo: s.repo, issue_number: first.fixPr!.number! });
    expect(comments.data.map(c => c.body).join('\n')).toMatch(/will not open another/);
    expect((await env.octokit.pulls.list({ owner: 'acme', repo: s.repo, state: 'all' })).data).toHaveLength(1);
    // A retry of the same run (another replica, a restart) finds its marked comment.
    await followUps.afterDiagnosis({ run: failed(after), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    const again = await env.octokit.issues.listComments({ owner: 'acme', repo: s.repo, issue_number: first.fixPr!.number! });
    expect(again.data).toHaveLength(comments.data.length);
  });

  it("never rebuilds a branch with a reviewer's commit: it comments on the PR instead (both audited)", async () => {
    const { auditor, events } = recordingAuditor();
    const { followUps } = env.build({ auditor });
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    const first = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(first.fixPr?.status).toBe('opened');
    const branch = first.fixPr!.branch!;
    // A reviewer pushes to the PR's branch.
    const reviewed = await env.gitStore.commitFiles('acme', s.repo, {
      branch,
      changes: { 'apps/podinfo/service.yaml': `${SERVICE_MARK}\n` },
      message: 'Reviewer: keep the service as it was',
      author: { name: 'Rita', email: 'rita@example.test' },
    });
    const again = await env.pushAgain(s, { 'README.md': '# fleet\n\nreviewed\n' }, s.before);
    const second = await followUps.afterDiagnosis({ run: failed(again, 'zz9k1'), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(second.fixPr).toMatchObject({ status: 'commented', number: first.fixPr!.number, branch });
    expect(await env.gitStore.getRef('acme', s.repo, `refs/heads/${branch}`)).toBe(reviewed.sha);
    const comments = await env.octokit.issues.listComments({ owner: 'acme', repo: s.repo, issue_number: first.fixPr!.number! });
    expect(comments.data).toHaveLength(1);
    expect(comments.data[0].body).toMatch(/commits GORT did not make/);
    // Asked again for the same commit: the same comment is edited, not a second one.
    await followUps.afterDiagnosis({ run: failed(again, 'zz9k2'), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect((await env.octokit.issues.listComments({ owner: 'acme', repo: s.repo, issue_number: first.fixPr!.number! })).data).toHaveLength(1);
    expect(events.map(e => [e.eventId, e.meta?.actionType, e.outcome])).toEqual([
      ['fix-pr', 'open', 'success'],
      ['fix-pr', 'comment', 'success'],
      ['fix-pr', 'comment', 'success'],
    ]);
    expect(events[0].meta).toMatchObject({ entityRef: s.entityRef, runId: s.run.id, repo: `acme/${s.repo}`, branch });
  });

  it('refuses a dangerous addition by default, and with editPolicy label opens the PR for security review, never as passed', async () => {
    env.anthropic.setMode('dangerous:cluster-admin-binding');
    const refused = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    const byDefault = await env.build().followUps.afterDiagnosis({ run: failed(refused.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(byDefault.fixPr).toMatchObject({ status: 'rejected' });
    expect(byDefault.fixPr!.validation.find(c => c.check === 'edit-policy')).toMatchObject({ ok: false, status: 'failed', detail: expect.stringMatching(/cluster-admin/) });
    expect(await gortBranches(refused.repo)).toEqual([]);

    const labelled = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    const { followUps } = env.build({ fixPr: { editPolicy: 'label' } });
    const result = await followUps.afterDiagnosis({ run: failed(labelled.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(result.fixPr).toMatchObject({ status: 'opened' });
    expect(result.fixPr!.validation.find(c => c.check === 'edit-policy')).toMatchObject({ status: 'review' });
    const { data: pr } = await env.octokit.pulls.get({ owner: 'acme', repo: labelled.repo, pull_number: result.fixPr!.number! });
    expect(pr.labels.map(l => l.name).sort()).toEqual(['gort', 'needs-security-review']);
    expect(pr.body).toContain('needs security review');
    expect(pr.body).not.toContain('Validation ✅');
    expect(pr.body).toContain('rbac.authorization.k8s.io/v1 ClusterRoleBinding');
  });

  it('finds the PR an interrupted attempt opened (crash before the database recorded it) instead of opening another', async () => {
    const { followUps } = env.build();
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    const first = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(first.fixPr?.status).toBe('opened');
    // The process died after GitHub created the PR, before the PR record was stored.
    await env.db('gort_fix_prs').where({ number: first.fixPr!.number }).delete();
    const retry = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(retry.fixPr).toMatchObject({ status: 'opened', number: first.fixPr!.number, branch: first.fixPr!.branch });
    expect((await env.octokit.pulls.list({ owner: 'acme', repo: s.repo, state: 'all' })).data).toHaveLength(1);
    expect(Number((await env.db('gort_fix_prs').where({ number: first.fixPr!.number }).count({ n: '*' }).first())?.n)).toBe(1);
  });

  it('makes no write to the repository once the guard says the lease is lost', async () => {
    const { followUps } = env.build();
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    const refused: string[] = [];
    const lost = async (what: string) => {
      refused.push(what);
      throw new LeaseLostError(`lease lost before "${what}"`);
    };
    await expect(
      followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: lost }),
    ).rejects.toThrow(LeaseLostError);
    expect(refused).toEqual([`push to ${fixBranchName(s.entityRef, s.sha)}`]);
    expect(await gortBranches(s.repo)).toEqual([]);
    expect((await env.octokit.pulls.list({ owner: 'acme', repo: s.repo, state: 'all' })).data).toHaveLength(0);
  });

  it('rejects an adversarial proposal that writes .github/workflows, and pushes nothing', async () => {
    env.anthropic.setMode('adversarial');
    const { followUps } = env.build();
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    const result = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(result.fixPr?.status).toBe('rejected');
    expect(result.fixPr?.files).toContain(ADVERSARIAL_EDIT_PATH);
    const allowed = result.fixPr!.validation.find(c => c.check === 'allowed-paths')!;
    expect(allowed.ok).toBe(false);
    expect(allowed.detail).toContain('.github/');
    expect(await gortBranches(s.repo)).toEqual([]);
    expect((await env.octokit.pulls.list({ owner: 'acme', repo: s.repo, state: 'all' })).data).toHaveLength(0);
    expect(env.metrics.fixPrs).toContain('rejected');
  });

  it('says plainly that a timed-out run stuck outside the repository needs no PR, and opens none', async () => {
    const { followUps } = env.build();
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(GOOD_IMAGE) });
    expect(await followUps.branchHead(s.run)).toBe(s.sha);
    const diagnosis: RunDiagnosis = {
      category: 'source-unavailable',
      object: 'GitRepository/flux-system/podinfo',
      summary: `The run timed out waiting for GitRepository/flux-system/podinfo to fetch ${s.sha.slice(0, 7)}: it still serves an older revision`,
      fix: 'not fixable in Git: the source has not fetched the commit: check its spec.interval and the Git server\'s reachability',
      confidence: 0.7,
      evidence: [],
      related: [],
    };
    const result = await followUps.afterDiagnosis({ run: { ...s.run, state: 'timed_out', outcome: 'timed_out' }, category: 'source-unavailable', diagnosis, evidence: [], progress: onProgress, guard: held });
    expect(result.message).toContain('The cause lies outside the repository, so no pull request was opened: the source has not fetched the commit');
    expect(result.fixPr).toBeUndefined();
    expect(result.ai).toBeUndefined();
    expect(await gortBranches(s.repo)).toEqual([]);
    expect((await env.octokit.pulls.list({ owner: 'acme', repo: s.repo, state: 'all' })).data).toHaveLength(0);
  });

  it('does not use an answer truncated at max_tokens', async () => {
    env.anthropic.setMode('truncate');
    const { followUps } = env.build();
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    const result = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(result.ai?.error).toMatch(/max_tokens/);
    expect(result.fixPr?.status).toBe('skipped');
    expect(result.message).toContain('Diagnosed as image-pull');
    expect(await gortBranches(s.repo)).toEqual([]);
    expect(env.metrics.ai.map(a => a.outcome)).toContain('truncated');
  });

  it('ends with the rules-only diagnosis and a clear error when the provider is out (429, then 529 beyond retries)', async () => {
    const { followUps } = env.build();
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) });
    env.anthropic.failNext(429, 1);
    env.anthropic.failNext(529, 2);
    const before = env.anthropic.requests.length;
    const result = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(env.anthropic.requests.length - before).toBe(3); // first attempt + 2 retries
    expect(result.ai?.error).toMatch(/HTTP 529.*gave up after 2 retries/);
    expect(result.fixPr?.status).toBe('skipped');
    expect(result.message).toMatch(/^Diagnosed as image-pull: .*AI unavailable/);
  });

  it('posts the findings as a commit comment in diagnose-only mode and opens no PR', async () => {
    const { followUps } = env.build();
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) }, 'diagnose-only');
    const result = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(result.fixPr?.status).toBe('commented');
    const comments = await env.octokit.repos.listCommentsForCommit({ owner: 'acme', repo: s.repo, commit_sha: s.sha });
    expect(comments.data).toHaveLength(1);
    expect(comments.data[0].body).toContain('diagnose-only');
    expect(comments.data[0].body).toContain('image-pull');
    const retry = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(retry.fixPr).toMatchObject({ status: 'commented', url: comments.data[0].html_url });
    expect((await env.octokit.repos.listCommentsForCommit({ owner: 'acme', repo: s.repo, commit_sha: s.sha })).data).toHaveLength(1);
    expect((await env.octokit.pulls.list({ owner: 'acme', repo: s.repo, state: 'all' })).data).toHaveLength(0);
    expect(await gortBranches(s.repo)).toEqual([]);
  });

  it('sends nothing of an entity with gort.io/ai: off to the AI provider, neither for a fix nor for intent', async () => {
    const { followUps } = env.build({ cluster: clusterWithDeployment(1, 1) });
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(BROKEN_IMAGE) }, 'fix-pr', 'off');
    const before = env.anthropic.requests.length;
    const fix = await followUps.afterDiagnosis({ run: failed(s.run), category: 'image-pull', diagnosis: PULL_DIAGNOSIS, evidence: PULL_EVIDENCE, progress: onProgress, guard: held });
    expect(fix.ai).toBeUndefined();
    expect(fix.fixPr).toMatchObject({ status: 'skipped', message: expect.stringMatching(/gort.io\/ai is off/) });
    const locations = [{ cluster: 'demo', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }];
    const intent = await followUps.validateIntent({ run: s.run, locations, progress: onProgress, guard: held });
    expect(intent.intent).toMatchObject({ mode: 'runtime-health', error: expect.stringMatching(/gort.io\/ai is off/) });
    expect(env.anthropic.requests.length).toBe(before);
  });

  it('opens a PR when the runtime contradicts the plan (2 replicas planned, 1 running)', async () => {
    const { followUps } = env.build({ cluster: clusterWithDeployment(1, 1) });
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(GOOD_IMAGE, 1) });
    const locations = [{ cluster: 'demo', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }];
    const result = await followUps.validateIntent({ run: s.run, locations, progress: onProgress, guard: held });
    expect(result.intent).toMatchObject({ met: false, mode: 'ai', plans: ['docs/plans/podinfo.md'] });
    expect(result.intent.findings.some(f => f.status === 'not_met' && /2 replicas/.test(f.expectation))).toBe(true);
    expect(result.fixPr?.status).toBe('opened');
    const fixed = (await env.gitStore.readFile('acme', s.repo, result.fixPr!.branch!, 'apps/podinfo/deployment.yaml'))!.content.toString();
    expect(fixed).toContain('replicas: 2');
    expect(env.metrics.intents).toContain('not_met');
    // eslint-disable-next-line no-console
    console.log(`intent: tokens in ${result.ai?.tokens.input} out ${result.ai?.tokens.output}`);
  });

  it('checks runtime health only, labelled as such, without an AI provider', async () => {
    const { followUps } = env.build({ ai: 'none', cluster: clusterWithDeployment(2, 2) });
    const s = await env.scenario({ 'apps/podinfo/deployment.yaml': DEPLOYMENT(GOOD_IMAGE, 2).replace('128Mi', '256Mi') });
    const result = await followUps.validateIntent({ run: s.run, locations: [{ cluster: 'demo', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }], progress: onProgress, guard: held });
    expect(result.intent).toMatchObject({ met: true, mode: 'runtime-health' });
    expect(result.intent.findings).toEqual(expect.arrayContaining([expect.objectContaining({ expectation: 'Deployment/apps/podinfo has all 2 desired replica(s) ready', status: 'met' })]));
    expect(result.ai).toBeUndefined();
    expect(result.message).toMatch(/runtime health only/);
  });

  it('reports unhealthy runtime without an AI provider, and proposes no fix', async () => {
    const { followUps } = env.build({ ai: 'none', cluster: clusterWithDeployment(2, 1) });
    const s = await env.scenario({ 'README.md': 'x\n' });
    const result = await followUps.validateIntent({ run: s.run, locations: [{ cluster: 'demo', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }], progress: onProgress, guard: held });
    expect(result.intent).toMatchObject({ met: false, mode: 'runtime-health' });
    expect(result.fixPr?.status).toBe('skipped');
    expect(result.fixPr?.message).toMatch(/No AI provider/);
  });
});
