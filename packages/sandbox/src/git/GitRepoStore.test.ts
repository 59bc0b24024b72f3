import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { GitRepoStore, RefUpdateEvent } from './GitRepoStore';
import { MergeConflictError, NotFastForwardError, RefConflictError, RepoNotFoundError } from './errors';
import { ZERO_SHA } from './gitObjects';
import { InvalidGitInputError } from './validation';

const author = { name: 'Ada', email: 'ada@example.com', date: '2024-05-01T10:00:00Z' };

function gitLog(dir: string, ref: string): string[] {
  return execFileSync('git', ['--git-dir', dir, 'log', '--format=%s', ref], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

describe('GitRepoStore', () => {
  let dataDir: string;
  let store: GitRepoStore;
  let events: RefUpdateEvent[];

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gort-store-'));
    store = new GitRepoStore(dataDir);
    events = [];
    store.onRefUpdate(event => {
      events.push(event);
    });
    await store.createRepo('acme', 'gitops', {
      files: { 'README.md': '# hello\n', 'apps/app.yaml': 'kind: Deployment\nreplicas: 1\n' },
      author,
    });
  });

  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('creates a seeded bare repository with main as default branch', async () => {
    const dir = store.repoDir('acme', 'gitops');
    expect(dir).toBe(path.join(dataDir, 'acme', 'gitops.git'));
    expect(await store.getDefaultBranch('acme', 'gitops')).toBe('main');
    expect(gitLog(dir, 'main')).toEqual(['Initial commit']);
    const file = await store.readFile('acme', 'gitops', 'main', 'apps/app.yaml');
    expect(file?.content.toString()).toBe('kind: Deployment\nreplicas: 1\n');
    const head = await store.requireCommit('acme', 'gitops', 'main');
    const commit = await store.getCommit('acme', 'gitops', head);
    expect(commit).toMatchObject({ parents: [], author: { name: 'Ada', email: 'ada@example.com', date: '2024-05-01T10:00:00Z' } });
    expect(events).toEqual([expect.objectContaining({ ref: 'refs/heads/main', before: ZERO_SHA, after: head, forced: false })]);
  });

  it('lists and resolves refs, trees and abbreviated shas', async () => {
    const head = await store.requireCommit('acme', 'gitops', 'main');
    expect(await store.listRefs('acme', 'gitops')).toEqual([{ ref: 'refs/heads/main', sha: head, type: 'commit' }]);
    expect(await store.resolveCommit('acme', 'gitops', head.slice(0, 7))).toBe(head);
    expect(await store.resolveCommit('acme', 'gitops', 'refs/heads/main')).toBe(head);
    expect(await store.resolveCommit('acme', 'gitops', 'nope')).toBeUndefined();
    expect(await store.resolveCommit('acme', 'gitops', '--output=x')).toBeUndefined();
    const tree = await store.readTree('acme', 'gitops', 'main');
    expect(tree?.map(entry => `${entry.type}:${entry.path}`)).toEqual(['blob:README.md', 'tree:apps', 'blob:apps/app.yaml']);
    expect(await store.readTree('acme', 'gitops', 'main', 'apps')).toEqual([
      expect.objectContaining({ path: 'apps/app.yaml', type: 'blob', size: 29 }),
    ]);
  });

  it('commits file changes with compare-and-swap and reports them for pushes', async () => {
    const before = await store.requireCommit('acme', 'gitops', 'main');
    const result = await store.commitFiles('acme', 'gitops', {
      branch: 'main',
      changes: { 'apps/app.yaml': 'kind: Deployment\nreplicas: 2\n', 'README.md': null, 'docs/plan.md': 'plan' },
      message: 'Scale up',
      author,
      expectedHeadSha: before,
    });
    expect(result.before).toBe(before);
    expect(gitLog(store.repoDir('acme', 'gitops'), 'main')).toEqual(['Scale up', 'Initial commit']);
    expect(await store.readFile('acme', 'gitops', 'main', 'README.md')).toBeUndefined();
    await expect(
      store.commitFiles('acme', 'gitops', { branch: 'main', changes: { a: 'b' }, message: 'stale', author, expectedHeadSha: before }),
    ).rejects.toBeInstanceOf(RefConflictError);
    const [pushed] = await store.commitsForPush('acme', 'gitops', { ref: 'refs/heads/main', before, after: result.sha });
    expect(pushed).toMatchObject({ message: 'Scale up', added: ['docs/plan.md'], removed: ['README.md'], modified: ['apps/app.yaml'] });
  });

  it('builds trees and commits from plumbing inputs and moves refs', async () => {
    const main = await store.requireCommit('acme', 'gitops', 'main');
    const baseTree = (await store.getCommit('acme', 'gitops', main))!.tree;
    const blob = await store.writeBlob('acme', 'gitops', 'new file\n');
    const tree = await store.createTree(
      'acme',
      'gitops',
      [
        { path: 'apps/extra.txt', mode: '100644', sha: blob },
        { path: 'bin/run.sh', mode: '100755', content: '#!/bin/sh\n' },
        { path: 'README.md', mode: '100644', sha: null },
      ],
      baseTree,
    );
    const entries = await store.listTree('acme', 'gitops', tree, { recursive: true });
    expect(entries?.map(entry => `${entry.mode}:${entry.path}`)).toEqual([
      '040000:apps',
      '100644:apps/app.yaml',
      '100644:apps/extra.txt',
      '040000:bin',
      '100755:bin/run.sh',
    ]);
    const commit = await store.createCommit('acme', 'gitops', { tree, parents: [main], message: 'plumbing', author });
    await store.updateRef('acme', 'gitops', 'refs/heads/feature', commit, { expectedOld: null });
    expect(await store.getRef('acme', 'gitops', 'refs/heads/feature')).toBe(commit);

    const orphan = await store.createCommit('acme', 'gitops', { tree, parents: [], message: 'orphan', author });
    await expect(store.updateRef('acme', 'gitops', 'refs/heads/feature', orphan)).rejects.toBeInstanceOf(NotFastForwardError);
    const forced = await store.updateRef('acme', 'gitops', 'refs/heads/feature', orphan, { force: true });
    expect(forced).toMatchObject({ before: commit, after: orphan, forced: true });
    await store.deleteRef('acme', 'gitops', 'refs/heads/feature');
    expect(await store.getRef('acme', 'gitops', 'refs/heads/feature')).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ ref: 'refs/heads/feature', after: ZERO_SHA });
  });

  it('compares branches with per-file patches and merges them', async () => {
    const main = await store.requireCommit('acme', 'gitops', 'main');
    await store.updateRef('acme', 'gitops', 'refs/heads/fix', main);
    await store.commitFiles('acme', 'gitops', {
      branch: 'fix',
      changes: { 'apps/app.yaml': 'kind: Deployment\nreplicas: 3\n', 'docs/fix.md': 'why\n' },
      message: 'Fix replicas',
      author,
    });
    const comparison = await store.compare('acme', 'gitops', 'main', 'fix');
    expect(comparison).toMatchObject({ status: 'ahead', aheadBy: 1, behindBy: 0, mergeBaseSha: main });
    expect(comparison.commits.map(commit => commit.message)).toEqual(['Fix replicas']);
    expect(comparison.files).toEqual([
      expect.objectContaining({
        filename: 'apps/app.yaml',
        status: 'modified',
        additions: 1,
        deletions: 1,
        changes: 2,
        patch: '@@ -1,2 +1,2 @@\n kind: Deployment\n-replicas: 1\n+replicas: 3',
      }),
      expect.objectContaining({ filename: 'docs/fix.md', status: 'added', additions: 1, deletions: 0, patch: '@@ -0,0 +1 @@\n+why' }),
    ]);

    await store.commitFiles('acme', 'gitops', { branch: 'main', changes: { 'other.txt': 'x' }, message: 'Other', author });
    expect(await store.canMerge('acme', 'gitops', 'main', 'fix')).toBe(true);
    const merged = await store.merge('acme', 'gitops', { base: 'main', head: 'fix', message: 'Merge fix', author });
    expect(merged.fastForward).toBe(false);
    const mergeCommit = await store.getCommit('acme', 'gitops', merged.sha);
    expect(mergeCommit?.parents).toHaveLength(2);
    expect(gitLog(store.repoDir('acme', 'gitops'), 'main').slice(0, 2)).toEqual(['Merge fix', 'Other']);
    expect((await store.readFile('acme', 'gitops', 'main', 'apps/app.yaml'))?.content.toString()).toContain('replicas: 3');
  });

  it('reports merge conflicts without moving the base branch', async () => {
    const main = await store.requireCommit('acme', 'gitops', 'main');
    await store.updateRef('acme', 'gitops', 'refs/heads/a', main);
    await store.commitFiles('acme', 'gitops', { branch: 'a', changes: { 'README.md': 'A\n' }, message: 'a', author });
    await store.commitFiles('acme', 'gitops', { branch: 'main', changes: { 'README.md': 'B\n' }, message: 'b', author });
    const before = await store.requireCommit('acme', 'gitops', 'main');
    await expect(store.merge('acme', 'gitops', { base: 'main', head: 'a', message: 'm', author })).rejects.toBeInstanceOf(MergeConflictError);
    expect(await store.requireCommit('acme', 'gitops', 'main')).toBe(before);
  });

  it('validates names and paths and maps clone URLs to bare directories', async () => {
    await expect(store.createRepo('acme', '../evil')).rejects.toBeInstanceOf(InvalidGitInputError);
    await expect(
      store.commitFiles('acme', 'gitops', { branch: 'main', changes: { '../x': 'y' }, message: 'm', author }),
    ).rejects.toBeInstanceOf(InvalidGitInputError);
    await expect(
      store.commitFiles('acme', 'gitops', { branch: 'main', changes: { '/etc/x': 'y' }, message: 'm', author }),
    ).rejects.toBeInstanceOf(InvalidGitInputError);
    await expect(
      store.commitFiles('acme', 'gitops', { branch: 'a..b', changes: { x: 'y' }, message: 'm', author }),
    ).rejects.toBeInstanceOf(InvalidGitInputError);
    await expect(store.listRefs('acme', 'missing')).rejects.toBeInstanceOf(RepoNotFoundError);
    const dir = store.repoDir('acme', 'gitops');
    expect(store.resolveRepoDir('http://127.0.0.1:8080/acme/gitops.git')).toBe(dir);
    expect(store.resolveRepoDir('http://x:token@localhost/acme/gitops/')).toBe(dir);
    expect(store.resolveRepoDir('http://127.0.0.1:8080/acme/missing.git')).toBeUndefined();
    expect(store.resolveRepoDir('http://127.0.0.1:8080/acme/../etc')).toBeUndefined();
    expect(await store.listRepos()).toEqual([{ owner: 'acme', repo: 'gitops' }]);
  });
});
