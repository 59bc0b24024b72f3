import { createSign, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { GitRepoStore } from '../git';
import { GitHubServer, startGitHubServer } from './server';

const TOKEN = 'ghp_sandboxtoken';

jest.setTimeout(120_000);

function jwt(payload: object, privateKey: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url')}`;
}

describe('GitHub App authentication, check runs and statuses (through Octokit)', () => {
  let dataDir: string;
  let server: GitHubServer;
  let sha: string;
  let installationOctokit: Octokit;
  const repo = { owner: 'acme', repo: 'gitops' };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gort-github-app-'));
    const store = new GitRepoStore(dataDir);
    await store.createRepo('acme', 'gitops', { files: { 'README.md': '# gitops\n' }, author: { name: 'Ada', email: 'ada@example.com' } });
    await store.createRepo('other', 'elsewhere', { files: { 'README.md': '# x\n' }, author: { name: 'Ada', email: 'ada@example.com' } });
    server = await startGitHubServer({ token: TOKEN, store, appInstalledOn: ['acme'] });
    sha = (await store.getRef('acme', 'gitops', 'refs/heads/main'))!;
    installationOctokit = new Octokit({
      baseUrl: server.url,
      authStrategy: createAppAuth,
      auth: { appId: server.app.appId, privateKey: server.app.privateKey, installationId: server.app.appId * 100 + 1 },
    });
  });

  afterAll(async () => {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists installations and issues installation tokens for an app JWT signed with its key', async () => {
    const app = new Octokit({ baseUrl: server.url, authStrategy: createAppAuth, auth: { appId: server.app.appId, privateKey: server.app.privateKey } });
    const { data: installations } = await app.rest.apps.listInstallations();
    expect(installations.map(i => i.account?.login)).toEqual(['acme']);
    const { data: token } = await app.rest.apps.createInstallationAccessToken({ installation_id: installations[0].id });
    expect(token.token).toMatch(/^ghs_/);
    expect(new Date(token.expires_at).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const repos = await new Octokit({ baseUrl: server.url, auth: token.token }).rest.apps.listReposAccessibleToInstallation();
    expect(repos.data.repositories.map(r => r.full_name)).toEqual(['acme/gitops']);
  });

  it('refuses a JWT signed with another key, one that lives too long, and a JWT on repository endpoints', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { privateKey: otherKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const call = (token: string, url = '/app/installations') =>
      fetch(`${server.url}${url}`, { headers: { Authorization: `Bearer ${token}` } }).then(res => res.status);
    expect(await call(jwt({ iss: server.app.appId, iat: now - 30, exp: now + 540 }, otherKey))).toBe(401);
    expect(await call(jwt({ iss: server.app.appId, iat: now - 30, exp: now + 3600 }, server.app.privateKey))).toBe(401);
    expect(await call(jwt({ iss: 1, iat: now - 30, exp: now + 540 }, server.app.privateKey))).toBe(401);
    const valid = jwt({ iss: server.app.appId, iat: now - 30, exp: now + 540 }, server.app.privateKey);
    expect(await call(valid)).toBe(200);
    expect(await call(valid, '/repos/acme/gitops')).toBe(401);
  });

  it('creates, updates and lists check runs by name, for an installation only', async () => {
    const user = new Octokit({ baseUrl: server.url, auth: TOKEN });
    await expect(user.rest.checks.create({ ...repo, name: 'gort/podinfo', head_sha: sha })).rejects.toMatchObject({ status: 403 });

    const { data: created } = await installationOctokit.rest.checks.create({
      ...repo,
      name: 'gort/podinfo',
      head_sha: sha,
      status: 'in_progress',
      external_id: 'run-1',
      details_url: 'http://backstage.example/run-1',
      output: { title: 'Waiting for Flux', summary: 'reconciling' },
    });
    expect(created).toMatchObject({ status: 'in_progress', conclusion: null, external_id: 'run-1', app: { id: server.app.appId } });
    await expect(installationOctokit.rest.checks.update({ ...repo, check_run_id: created.id, status: 'completed' })).rejects.toMatchObject({ status: 422 });
    const { data: updated } = await installationOctokit.rest.checks.update({
      ...repo,
      check_run_id: created.id,
      conclusion: 'action_required',
      output: { title: 'Fix PR opened', summary: 'see #1' },
    });
    expect(updated).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    expect(updated.completed_at).toBeTruthy();

    await installationOctokit.rest.checks.create({ ...repo, name: 'gort/other', head_sha: sha, status: 'queued' });
    const { data: named } = await user.rest.checks.listForRef({ ...repo, ref: sha, check_name: 'gort/podinfo' });
    expect(named.total_count).toBe(1);
    expect(named.check_runs[0]).toMatchObject({ id: created.id, conclusion: 'action_required', output: { title: 'Fix PR opened' } });
    const { data: all } = await user.rest.checks.listForRef({ ...repo, ref: sha });
    expect(all.check_runs.map(r => r.name).sort()).toEqual(['gort/other', 'gort/podinfo']);
  });

  it('keeps an installation to its own account', async () => {
    await expect(installationOctokit.rest.repos.get({ owner: 'other', repo: 'elsewhere' })).rejects.toMatchObject({ status: 404 });
  });

  it('records commit statuses and combines the latest of each context', async () => {
    const user = new Octokit({ baseUrl: server.url, auth: TOKEN });
    await user.rest.repos.createCommitStatus({ ...repo, sha, state: 'pending', context: 'gort/podinfo', target_url: 'http://x/1' });
    expect((await user.rest.repos.getCombinedStatusForRef({ ...repo, ref: sha })).data.state).toBe('pending');
    await user.rest.repos.createCommitStatus({ ...repo, sha, state: 'success', context: 'gort/podinfo', description: 'landed' });
    const combined = (await user.rest.repos.getCombinedStatusForRef({ ...repo, ref: sha })).data;
    expect(combined).toMatchObject({ state: 'success', total_count: 1, statuses: [{ context: 'gort/podinfo', state: 'success' }] });
    const listed = (await user.rest.repos.listCommitStatusesForRef({ ...repo, ref: sha })).data;
    expect(listed.map(s => s.state)).toEqual(['success', 'pending']);
    await expect(user.rest.repos.createCommitStatus({ ...repo, sha, state: 'bogus' as any })).rejects.toMatchObject({ status: 422 });
  });
});
