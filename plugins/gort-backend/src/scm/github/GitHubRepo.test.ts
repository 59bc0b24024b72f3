import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { ScmRepository } from '@gort-backstage/plugin-gort-node';
import { GitHubServer, GitRepoStore, startGitHubServer } from '@gort-backstage/sandbox';
import { Octokit } from '@octokit/rest';
import { selectScmProvider } from '../selectScmProvider';

jest.setTimeout(60_000);

describe('the GitHub SCM against the sandbox GitHub', () => {
  let dir: string;
  let store: GitRepoStore;
  let server: GitHubServer;
  let repo: ScmRepository;
  let scmId: string;
  let octokit: Octokit;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gort-github-'));
    store = new GitRepoStore(dir);
    server = await startGitHubServer({ token: 't0k', store });
    octokit = new Octokit({ auth: 't0k', baseUrl: server.url });
    await store.createRepo('acme', 'fleet', { files: { 'apps/a.yaml': 'a: 1\n', 'README.md': 'x\n' } });
    const config = new ConfigReader({ integrations: { github: [{ host: new URL(server.url).host, apiBaseUrl: server.url, token: 't0k' }] } });
    // No gort.scm.provider: the built-in GitHub is the default.
    const scm = selectScmProvider({ config, logger });
    scmId = scm.id;
    repo = await scm.repository({ owner: 'acme', repo: 'fleet' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the integration matching the configured host, with its apiBaseUrl and token', async () => {
    expect(scmId).toBe('github');
    expect(await repo.defaultBranch()).toBe('main');
    expect(await repo.readFile('apps/a.yaml', 'main')).toBe('a: 1\n');
    expect(await repo.readFile('apps/none.yaml', 'main')).toBeUndefined();
    expect((await repo.listFiles('main')).sort()).toEqual(['README.md', 'apps/a.yaml']);
  });

  it('makes one commit on a new branch and reports the compare diff', async () => {
    const base = (await repo.getBranchHead('main'))!;
    const sha = await repo.commitFiles({ branch: 'gort/fix/x/abc1234', parent: base, treeBase: base, files: { 'apps/a.yaml': 'a: 2\n', 'docs/p.md': '# p\n' }, message: 'fix' });
    expect(await repo.getBranchHead('gort/fix/x/abc1234')).toBe(sha);
    expect(await repo.getCommit(sha)).toMatchObject({ parents: [base], message: 'fix' });
    const diff = await repo.compare(base, sha);
    expect(diff.map(f => [f.path, f.status])).toEqual([
      ['apps/a.yaml', 'modified'],
      ['docs/p.md', 'added'],
    ]);
    expect(diff[0].patch).toContain('+a: 2');
  });

  it('places two commits in history (ahead, behind, identical, diverged), and throws on a commit GitHub does not have', async () => {
    const base = (await repo.getBranchHead('main'))!;
    const one = await repo.commitFiles({ branch: 'order/one', parent: base, treeBase: base, files: { 'apps/a.yaml': 'a: 3\n' }, message: 'one' });
    const two = await repo.commitFiles({ branch: 'order/one', parent: one, treeBase: one, files: { 'apps/a.yaml': 'a: 4\n' }, message: 'two' });
    // What a force-push leaves: another commit on the same base.
    const rewritten = await repo.commitFiles({ branch: 'order/rewritten', parent: base, treeBase: base, files: { 'apps/a.yaml': 'a: 5\n' }, message: 'rewritten' });
    expect(await repo.compareCommits!(base, two)).toEqual({ status: 'ahead', aheadBy: 2, behindBy: 0 });
    expect(await repo.compareCommits!(two, one)).toEqual({ status: 'behind', aheadBy: 0, behindBy: 1 });
    expect(await repo.compareCommits!(one, one)).toEqual({ status: 'identical', aheadBy: 0, behindBy: 0 });
    expect(await repo.compareCommits!(two, rewritten)).toEqual({ status: 'diverged', aheadBy: 1, behindBy: 2 });
    await expect(repo.compareCommits!(two, 'f'.repeat(40))).rejects.toMatchObject({ status: 404 });
  });

  it('finds the open pull request of a branch, and keeps one comment per marker', async () => {
    const base = (await repo.getBranchHead('main'))!;
    await repo.commitFiles({ branch: 'gort/fix/y/def5678', parent: base, treeBase: base, files: { 'apps/a.yaml': 'a: 3\n' }, message: 'fix y' });
    expect(await repo.findOpenPullRequest('gort/fix/y/def5678')).toBeUndefined();
    const pr = await repo.createPullRequest({ title: 'Fix y', body: 'b', head: 'gort/fix/y/def5678', base: 'main', labels: [] });
    expect(await repo.findOpenPullRequest('gort/fix/y/def5678')).toMatchObject({ number: pr.number, state: 'open', headRef: 'gort/fix/y/def5678' });
    expect(await repo.findOpenPullRequest('gort/fix/other')).toBeUndefined();

    await repo.commentOnPullRequest(pr.number, 'a human wrote this');
    const first = await repo.upsertPullRequestComment(pr.number, 'gort:verdict/podinfo', 'Verdict: failed');
    const second = await repo.upsertPullRequestComment(pr.number, 'gort:verdict/podinfo', 'Verdict: succeeded');
    const other = await repo.upsertPullRequestComment(pr.number, 'gort:verdict/other', 'Verdict: failed');
    expect([first.created, second.created, other.created]).toEqual([true, false, true]);
    expect(second.url).toBe(first.url);
    const { data: comments } = await octokit.issues.listComments({ owner: 'acme', repo: 'fleet', issue_number: pr.number });
    expect(comments.map(c => c.body)).toEqual([
      'a human wrote this',
      '<!-- gort:verdict/podinfo -->\nVerdict: succeeded',
      '<!-- gort:verdict/other -->\nVerdict: failed',
    ]);
    await expect(repo.upsertPullRequestComment(pr.number, 'a --> b', 'x')).rejects.toThrow(/Invalid comment marker/);
  });

  it('finds a commit comment by its hidden marker', async () => {
    const base = (await repo.getBranchHead('main'))!;
    expect(await repo.findCommitComment(base, '<!-- gort:c:1 -->')).toBeUndefined();
    const url = await repo.commentOnCommit(base, 'findings\n<!-- gort:c:1 -->');
    expect(await repo.findCommitComment(base, '<!-- gort:c:1 -->')).toBe(url);
    expect(await repo.findCommitComment(base, '<!-- gort:c:2 -->')).toBeUndefined();
  });

  it('waits out a secondary rate limit and retries', async () => {
    server.simulateRateLimit({ count: 1, kind: 'secondary', status: 403, retryAfterSeconds: 1 });
    expect(await repo.readFile('README.md', 'main')).toBe('x\n');
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/^GitHub: secondary rate limit/));
  });
});
