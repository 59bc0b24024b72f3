import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { GitRepoStore } from '../git';
import { GitHubServer, startGitHubServer } from './server';
import { startWebhookReceiver } from './webhooks/testWebhookReceiver';

const TOKEN = 'ghp_sandboxtoken';
const SECRET = 'webhook-secret';
const author = { name: 'Ada', email: 'ada@example.com' };

function gitLog(dir: string, ref: string, format = '%s'): string[] {
  return execFileSync('git', ['--git-dir', dir, 'log', '--topo-order', `--format=${format}`, ref], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

// Every API call runs real git: "creates a branch ..." starts 205 git
// processes (5 s of git alone at load 14 on 2 cores, 10 s in all) and took
// over 30 s in a full parallel run on the shared machine.
jest.setTimeout(120_000);

describe('startGitHubServer (REST API through @octokit/rest)', () => {
  let dataDir: string;
  let store: GitRepoStore;
  let server: GitHubServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let octokit: Octokit;
  const repo = { owner: 'acme', repo: 'gitops' };

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gort-github-'));
    store = new GitRepoStore(dataDir);
    await store.createRepo('acme', 'gitops', {
      files: {
        'clusters/prod/app.yaml': 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 1\n',
        'README.md': '# gitops\n',
      },
      author,
    });
    receiver = await startWebhookReceiver();
    server = await startGitHubServer({
      token: TOKEN,
      store,
      webhook: { url: receiver.url, secret: SECRET },
      webhookRetryDelaysMs: [20, 20],
    });
    octokit = new Octokit({ baseUrl: server.url, auth: TOKEN });
  });

  afterEach(async () => {
    await server.close();
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the repository with its default branch and clone URL', async () => {
    const { data, headers } = await octokit.repos.get(repo);
    expect(data).toMatchObject({
      name: 'gitops',
      full_name: 'acme/gitops',
      default_branch: 'main',
      html_url: `${server.url}/acme/gitops`,
      clone_url: `${server.url}/acme/gitops.git`,
      owner: { login: 'acme' },
    });
    expect(headers['x-github-request-id']).toBeTruthy();
    expect(Number(headers['x-ratelimit-remaining'])).toBeLessThan(5000);
  });

  it('creates a branch, commits via git data and contents APIs, opens and merges a pull request', async () => {
    const { data: mainRef } = await octokit.git.getRef({ ...repo, ref: 'heads/main' });
    const baseSha = mainRef.object.sha;
    await octokit.git.createRef({ ...repo, ref: 'refs/heads/gort/fix-1', sha: baseSha });

    // Commit 1: blobs + tree (with base_tree) + commit + ref update.
    const { data: baseCommit } = await octokit.git.getCommit({ ...repo, commit_sha: baseSha });
    const { data: blob } = await octokit.git.createBlob({ ...repo, content: Buffer.from('# plan\n').toString('base64'), encoding: 'base64' });
    const { data: tree } = await octokit.git.createTree({
      ...repo,
      base_tree: baseCommit.tree.sha,
      tree: [
        { path: 'clusters/prod/app.yaml', mode: '100644', type: 'blob', content: 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n' },
        { path: 'docs/plans/fix-1.md', mode: '100644', type: 'blob', sha: blob.sha },
      ],
    });
    const { data: commit } = await octokit.git.createCommit({
      ...repo,
      message: 'fix: scale app',
      tree: tree.sha,
      parents: [baseSha],
      author: { ...author, date: '2024-06-01T12:00:00Z' },
    });
    expect(commit.author).toEqual({ ...author, date: '2024-06-01T12:00:00Z' });
    const { data: updated } = await octokit.git.updateRef({ ...repo, ref: 'heads/gort/fix-1', sha: commit.sha });
    expect(updated.object.sha).toBe(commit.sha);

    // Commit 2: contents API (update needs the current blob sha).
    const { data: current } = await octokit.repos.getContent({ ...repo, path: 'README.md', ref: 'gort/fix-1' });
    expect(Array.isArray(current)).toBe(false);
    const currentFile = current as { sha: string; content: string; encoding: string };
    expect(Buffer.from(currentFile.content, 'base64').toString()).toBe('# gitops\n');
    const { data: put, status } = await octokit.repos.createOrUpdateFileContents({
      ...repo,
      path: 'README.md',
      branch: 'gort/fix-1',
      message: 'docs: explain fix',
      content: Buffer.from('# gitops\n\nFixed.\n').toString('base64'),
      sha: currentFile.sha,
    });
    expect(status).toBe(200);
    expect(put.commit.parents?.[0].sha).toBe(commit.sha);

    const { data: pull } = await octokit.pulls.create({ ...repo, head: 'gort/fix-1', base: 'main', title: 'Fix app', body: 'Because.' });
    expect(pull).toMatchObject({ number: 1, state: 'open', head: { ref: 'gort/fix-1', sha: put.commit.sha }, base: { ref: 'main' } });
    const { data: fetched } = await octokit.pulls.get({ ...repo, pull_number: 1 });
    expect(fetched).toMatchObject({ mergeable: true, commits: 2, changed_files: 3, merged: false });

    const { data: files } = await octokit.pulls.listFiles({ ...repo, pull_number: 1 });
    expect(files.map(file => file.filename).sort()).toEqual(['README.md', 'clusters/prod/app.yaml', 'docs/plans/fix-1.md']);

    const { data: merge } = await octokit.pulls.merge({ ...repo, pull_number: 1, sha: put.commit.sha });
    expect(merge.merged).toBe(true);
    const dir = store.repoDir('acme', 'gitops');
    expect(gitLog(dir, 'main')).toEqual([
      'Merge pull request #1 from acme/gort/fix-1',
      'docs: explain fix',
      'fix: scale app',
      'Initial commit',
    ]);
    expect(gitLog(dir, 'main', '%H')[0]).toBe(merge.sha);
    const { data: closed } = await octokit.pulls.get({ ...repo, pull_number: 1 });
    expect(closed).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: merge.sha });
    await expect(octokit.pulls.checkIfMerged({ ...repo, pull_number: 1 })).resolves.toMatchObject({ status: 204 });

    // Branch created, two commits, merge into main: four signed push deliveries, in order.
    await server.waitForDeliveries();
    const deliveries = await receiver.waitFor(4);
    const payloads = deliveries.map(delivery => JSON.parse(delivery.body));
    expect(payloads.map(payload => [payload.ref, payload.created, payload.after])).toEqual([
      ['refs/heads/gort/fix-1', true, baseSha],
      ['refs/heads/gort/fix-1', false, commit.sha],
      ['refs/heads/gort/fix-1', false, put.commit.sha],
      ['refs/heads/main', false, merge.sha],
    ]);
    expect(payloads[1].commits).toEqual([
      expect.objectContaining({ id: commit.sha, message: 'fix: scale app', added: ['docs/plans/fix-1.md'], modified: ['clusters/prod/app.yaml'], removed: [] }),
    ]);
    expect(payloads[3].commits.map((entry: { message: string }) => entry.message.split('\n')[0])).toEqual([
      'fix: scale app',
      'docs: explain fix',
      'Merge pull request #1 from acme/gort/fix-1',
    ]);
    for (const delivery of deliveries) {
      expect(await verify(SECRET, delivery.body, String(delivery.headers['x-hub-signature-256']))).toBe(true);
    }
  });

  it('compares two refs with files, patches and commits', async () => {
    await octokit.git.createRef({ ...repo, ref: 'refs/heads/feature', sha: (await store.requireCommit('acme', 'gitops', 'main')) });
    await store.commitFiles('acme', 'gitops', {
      branch: 'feature',
      changes: { 'clusters/prod/app.yaml': 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n', 'README.md': null },
      message: 'scale and drop readme',
      author,
    });
    const { data } = await octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: 'main...feature' });
    expect(data).toMatchObject({ status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1 });
    expect(data.commits.map(commit => commit.commit.message)).toEqual(['scale and drop readme']);
    expect(data.files).toEqual([
      expect.objectContaining({ filename: 'README.md', status: 'removed', additions: 0, deletions: 1, changes: 1, patch: '@@ -1 +0,0 @@\n-# gitops' }),
      expect.objectContaining({
        filename: 'clusters/prod/app.yaml',
        status: 'modified',
        additions: 1,
        deletions: 1,
        changes: 2,
        patch: '@@ -1,4 +1,4 @@\n apiVersion: apps/v1\n kind: Deployment\n spec:\n-  replicas: 1\n+  replicas: 3',
      }),
    ]);
    const { data: legacy } = await octokit.repos.compareCommits({ ...repo, base: 'feature', head: 'main' });
    expect(legacy).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 1, files: [] });
  });

  it('reads contents, trees and commits', async () => {
    const { data: dir } = await octokit.repos.getContent({ ...repo, path: 'clusters' });
    expect(dir).toEqual([expect.objectContaining({ type: 'dir', name: 'prod', path: 'clusters/prod' })]);
    const { data: raw } = await octokit.repos.getContent({ ...repo, path: 'README.md', mediaType: { format: 'raw' } });
    expect(raw).toBe('# gitops\n');
    const { data: tree } = await octokit.git.getTree({ ...repo, tree_sha: 'main', recursive: 'true' });
    expect(tree.tree.map(entry => entry.path)).toEqual(['README.md', 'clusters', 'clusters/prod', 'clusters/prod/app.yaml']);
    const { data: commit } = await octokit.repos.getCommit({ ...repo, ref: 'main' });
    expect(commit.files?.map(file => [file.filename, file.status])).toEqual([
      ['README.md', 'added'],
      ['clusters/prod/app.yaml', 'added'],
    ]);
    await expect(octokit.repos.getContent({ ...repo, path: 'missing.txt' })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.repos.getContent({ ...repo, path: '../etc/passwd' })).rejects.toMatchObject({ status: 404 });
  });

  it('paginates lists with Link headers that octokit.paginate follows', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await octokit.issues.createLabel({ ...repo, name, color: '00ff00' });
    const first = await octokit.issues.listLabelsForRepo({ ...repo, per_page: 2 });
    expect(first.data.map(label => label.name)).toEqual(['a', 'b']);
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain('page=3');
    const all = await octokit.paginate(octokit.issues.listLabelsForRepo, { ...repo, per_page: 2 });
    expect(all.map(label => label.name)).toEqual(['a', 'b', 'c', 'd', 'e']);

    const main = await store.requireCommit('acme', 'gitops', 'main');
    for (const branch of ['p1', 'p2', 'p3']) {
      await octokit.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: main });
      await octokit.repos.createOrUpdateFileContents({ ...repo, branch, path: `${branch}.txt`, message: branch, content: Buffer.from(branch).toString('base64') });
      await octokit.pulls.create({ ...repo, head: `acme:${branch}`, base: 'main', title: branch });
    }
    const pulls = await octokit.paginate(octokit.pulls.list, { ...repo, state: 'open', per_page: 1 });
    expect(pulls.map(pull => pull.title)).toEqual(['p3', 'p2', 'p1']);
    const filtered = await octokit.pulls.list({ ...repo, head: 'acme:p2' });
    expect(filtered.data.map(pull => pull.number)).toEqual([2]);
  });

  it('answers with GitHub error shapes for bad tokens, unknown repositories and invalid input', async () => {
    const anonymous = new Octokit({ baseUrl: server.url });
    const wrong = new Octokit({ baseUrl: server.url, auth: 'nope' });

    const badToken = await wrong.repos.get(repo).catch(error => error);
    expect(badToken.status).toBe(401);
    expect(badToken.response.data).toEqual(expect.objectContaining({ message: 'Bad credentials', documentation_url: expect.any(String) }));
    const unauthenticatedWrite = await anonymous.git.createRef({ ...repo, ref: 'refs/heads/x', sha: 'a'.repeat(40) }).catch(error => error);
    expect(unauthenticatedWrite.status).toBe(401);
    await expect(anonymous.repos.get(repo)).resolves.toMatchObject({ status: 200 });

    const missing = await octokit.repos.get({ owner: 'acme', repo: 'nope' }).catch(error => error);
    expect(missing.status).toBe(404);
    expect(missing.response.data).toEqual(expect.objectContaining({ message: 'Not Found' }));

    const invalidLabel = await octokit.issues.createLabel({ ...repo, name: 'x', color: 'invalid' }).catch(error => error);
    expect(invalidLabel.status).toBe(422);
    expect(invalidLabel.response.data).toEqual(
      expect.objectContaining({ message: 'Validation Failed', errors: [{ resource: 'Label', code: 'invalid', field: 'color' }] }),
    );
    const invalidPull = await octokit.pulls.create({ ...repo, head: 'does-not-exist', base: 'main', title: 't' }).catch(error => error);
    expect(invalidPull.status).toBe(422);
    expect(invalidPull.response.data.errors).toEqual([{ resource: 'PullRequest', code: 'invalid', field: 'head' }]);

    const main = await store.requireCommit('acme', 'gitops', 'main');
    const duplicateRef = await octokit.git.createRef({ ...repo, ref: 'refs/heads/main', sha: main }).catch(error => error);
    expect(duplicateRef.status).toBe(422);
    expect(duplicateRef.response.data.message).toBe('Reference already exists');

    const staleContents = await octokit.repos
      .createOrUpdateFileContents({ ...repo, path: 'README.md', message: 'm', content: 'eA==', sha: 'b'.repeat(40) })
      .catch(error => error);
    expect(staleContents.status).toBe(409);

    const response = await fetch(`${server.url}/repos/acme/gitops/labels`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(expect.objectContaining({ message: 'Problems parsing JSON' }));
  });

  it('answers malformed requests with 4xx and keeps serving', async () => {
    const auth = { authorization: `token ${TOKEN}`, 'content-type': 'application/json' };
    const probes: Array<[string, string, string?]> = [
      ['GET', '/repos/acme/gitops/contents/%ff%fe'],
      ['GET', '/repos/acme/gitops/contents/..%2F..%2Fetc%2Fpasswd'],
      ['GET', '/repos/acme/gitops/git/ref/heads/..'],
      ['GET', '/repos/acme/gitops/compare/...'],
      ['GET', '/repos/acme/gitops/compare/--output=x...main'],
      ['GET', '/repos/acme/gitops/pulls/abc'],
      ['GET', '/repos/acme/gitops/git/trees/--help'],
      ['GET', '/repos/-x/gitops'],
      ['GET', '/%2e%2e/%2e%2e/etc.git/info/refs?service=git-upload-pack'],
      ['POST', '/repos/acme/gitops/git/trees', JSON.stringify({ tree: [{ path: '../x', mode: '100644', content: 'x' }] })],
      ['POST', '/repos/acme/gitops/git/trees', JSON.stringify({ tree: [{ path: 'x', mode: '999999', content: 'x' }] })],
      ['POST', '/repos/acme/gitops/git/refs', JSON.stringify({ ref: 'refs/heads/a..b', sha: 'f'.repeat(40) })],
      ['POST', '/repos/acme/gitops/git/refs', JSON.stringify({ ref: 'refs/heads/ok', sha: 'f'.repeat(40) })],
      ['POST', '/repos/acme/gitops/git/commits', JSON.stringify({ message: 'm', tree: 'nope', parents: 'x' })],
      ['POST', '/repos/acme/gitops/pulls', JSON.stringify(['not', 'an', 'object'])],
      ['PUT', '/repos/acme/gitops/contents/a.txt', JSON.stringify({ message: 'm', content: '%%%' })],
      ['PUT', '/repos/acme/gitops/contents/a.txt', JSON.stringify({ message: 'm', content: 'eA==', branch: 'no-such-branch' })],
      ['PATCH', '/repos/acme/gitops/git/refs/heads/main', JSON.stringify({ sha: 12 })],
      ['DELETE', '/repos/acme/gitops'],
    ];
    for (const [method, probePath, body] of probes) {
      const response = await fetch(`${server.url}${probePath}`, { method, headers: auth, body });
      expect([method, probePath, response.status >= 400 && response.status < 500]).toEqual([method, probePath, true]);
    }
    await expect(octokit.repos.get(repo)).resolves.toMatchObject({ status: 200 });
    expect(gitLog(store.repoDir('acme', 'gitops'), 'main')).toEqual(['Initial commit']);
  });

  it('rejects non-fast-forward ref updates unless forced', async () => {
    const main = await store.requireCommit('acme', 'gitops', 'main');
    await octokit.git.createRef({ ...repo, ref: 'refs/heads/topic', sha: main });
    const { data: tree } = await octokit.git.createTree({ ...repo, tree: [{ path: 'only.txt', mode: '100644', type: 'blob', content: 'x' }] });
    const { data: orphan } = await octokit.git.createCommit({ ...repo, message: 'orphan', tree: tree.sha, parents: [] });
    const notFastForward = await octokit.git.updateRef({ ...repo, ref: 'heads/topic', sha: orphan.sha }).catch(error => error);
    expect(notFastForward.status).toBe(422);
    expect(notFastForward.response.data.message).toBe('Update is not a fast forward');
    await octokit.git.updateRef({ ...repo, ref: 'heads/topic', sha: orphan.sha, force: true });
    await octokit.git.deleteRef({ ...repo, ref: 'heads/topic' });
    await expect(octokit.git.getRef({ ...repo, ref: 'heads/topic' })).rejects.toMatchObject({ status: 404 });
    await server.waitForDeliveries();
    const payloads = receiver.received.map(delivery => JSON.parse(delivery.body));
    expect(payloads.map(payload => [payload.created, payload.forced, payload.deleted])).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, true],
    ]);
    expect(payloads[2].head_commit).toBeNull();
  });

  it('simulates rate limits with retry-after on demand', async () => {
    server.simulateRateLimit({ count: 2, kind: 'secondary', status: 429, retryAfterSeconds: 3 });
    const first = await octokit.repos.get(repo).catch(error => error);
    expect(first.status).toBe(429);
    expect(first.response.headers['retry-after']).toBe('3');
    expect(first.response.data.message).toMatch(/secondary rate limit/);
    await expect(octokit.repos.get(repo)).rejects.toMatchObject({ status: 429 });
    await expect(octokit.repos.get(repo)).resolves.toMatchObject({ status: 200 });

    server.simulateRateLimit({ count: 1, kind: 'primary' });
    const primary = await octokit.repos.get(repo).catch(error => error);
    expect(primary.status).toBe(403);
    expect(primary.response.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('exposes the test hooks over HTTP for out-of-process use', async () => {
    const control = (method: string, controlPath: string, body?: unknown, token: string | undefined = TOKEN) =>
      fetch(`${server.url}/_sandbox/${controlPath}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await control('GET', 'webhook/deliveries', undefined, '')).status).toBe(401);
    expect((await control('POST', 'rate-limit', { count: 'x' })).status).toBe(422);
    expect((await control('POST', 'rate-limit', { count: 1, kind: 'primary', status: 429 })).status).toBe(204);
    await expect(octokit.repos.get(repo)).rejects.toMatchObject({ status: 429 });

    await store.commitFiles('acme', 'gitops', { branch: 'main', changes: { 'x.txt': 'x' }, message: 'x', author });
    const listed = await (await control('GET', 'webhook/deliveries')).json();
    expect(listed).toEqual([expect.objectContaining({ event: 'push', ok: true, statusCode: 200 })]);
    const redelivered = await control('POST', `webhook/deliveries/${listed[0].id}/redeliver`);
    expect(await redelivered.json()).toMatchObject({ id: listed[0].id, redelivery: true });
    expect((await control('POST', 'webhook/deliveries/nope/redeliver')).status).toBe(404);
    const received = await receiver.waitFor(2);
    expect(received.map(delivery => delivery.headers['x-github-delivery'])).toEqual([listed[0].id, listed[0].id]);
  });

  it('keeps pull requests, comments and labels across a restart', async () => {
    const main = await store.requireCommit('acme', 'gitops', 'main');
    await octokit.git.createRef({ ...repo, ref: 'refs/heads/keep', sha: main });
    await octokit.repos.createOrUpdateFileContents({ ...repo, branch: 'keep', path: 'k.txt', message: 'k', content: 'aw==' });
    const { data: pull } = await octokit.pulls.create({ ...repo, head: 'keep', base: 'main', title: 'Keep me', draft: true });
    await octokit.issues.addLabels({ ...repo, issue_number: pull.number, labels: ['gort', 'fix'] });
    await octokit.issues.createComment({ ...repo, issue_number: pull.number, body: 'diagnosis' });
    const { data: commitComment } = await octokit.repos.createCommitComment({ ...repo, commit_sha: main, body: 'landed' });
    expect(commitComment).toMatchObject({ commit_id: main, body: 'landed' });

    await server.close();
    server = await startGitHubServer({ token: TOKEN, store });
    octokit = new Octokit({ baseUrl: server.url, auth: TOKEN });

    const { data: reloaded } = await octokit.pulls.get({ ...repo, pull_number: pull.number });
    expect(reloaded).toMatchObject({ title: 'Keep me', draft: true, labels: [{ name: 'gort' }, { name: 'fix' }] });
    const { data: comments } = await octokit.issues.listComments({ ...repo, issue_number: pull.number });
    expect(comments.map(comment => comment.body)).toEqual(['diagnosis']);
    const { data: commitComments } = await octokit.repos.listCommentsForCommit({ ...repo, commit_sha: main });
    expect(commitComments.map(comment => comment.body)).toEqual(['landed']);
    const { data: labels } = await octokit.issues.listLabelsForRepo(repo);
    expect(labels.map(label => label.name)).toEqual(['gort', 'fix']);

    const closed = await octokit.pulls.update({ ...repo, pull_number: pull.number, state: 'closed' });
    expect(closed.data.state).toBe('closed');
    const notMergeable = await octokit.pulls.merge({ ...repo, pull_number: pull.number }).catch(error => error);
    expect(notMergeable.status).toBe(405);
  });
});
