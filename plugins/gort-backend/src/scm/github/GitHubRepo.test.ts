import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { ScmRepository } from '@gort-backstage/plugin-gort-node';
import { GitHubServer, GitRepoStore, startGitHubServer } from '@gort-backstage/sandbox';
import { selectScmProvider } from '../selectScmProvider';

jest.setTimeout(30_000);

describe('the GitHub SCM against the sandbox GitHub', () => {
  let dir: string;
  let store: GitRepoStore;
  let server: GitHubServer;
  let repo: ScmRepository;
  let scmId: string;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gort-github-'));
    store = new GitRepoStore(dir);
    server = await startGitHubServer({ token: 't0k', store });
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

  it('waits out a secondary rate limit and retries', async () => {
    server.simulateRateLimit({ count: 1, kind: 'secondary', status: 403, retryAfterSeconds: 1 });
    expect(await repo.readFile('README.md', 'main')).toBe('x\n');
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/^GitHub: secondary rate limit/));
  });
});
