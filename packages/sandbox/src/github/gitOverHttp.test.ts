import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { verify } from '@octokit/webhooks-methods';
import { GitRepoStore } from '../git';
import { GitHubServer, startGitHubServer } from './server';
import { startWebhookReceiver } from './webhooks/testWebhookReceiver';

const execFileAsync = promisify(execFile);
const TOKEN = 'ghp_pushtoken';
const SECRET = 'push-secret';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const webhookExamples: Array<{ name: string; examples: Array<Record<string, unknown>> }> = require('@octokit/webhooks-examples');

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Runs the real git CLI, isolated from the machine's configuration. */
async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', ['-c', 'user.name=Pat', '-c', 'user.email=pat@example.com', ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: os.devNull,
      GIT_TERMINAL_PROMPT: '0',
    },
  });
  return stdout;
}

describe('git smart HTTP with push webhooks', () => {
  let dataDir: string;
  let workDir: string;
  let store: GitRepoStore;
  let server: GitHubServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let authedUrl: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gort-smart-http-'));
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gort-clone-'));
    store = new GitRepoStore(dataDir);
    await store.createRepo('acme', 'gitops', {
      files: { 'apps/app.yaml': 'replicas: 1\n', 'README.md': 'hi\n' },
      author: { name: 'Ada', email: 'ada@example.com' },
    });
    // The first delivery fails once so that the retry path is exercised too.
    receiver = await startWebhookReceiver([500]);
    server = await startGitHubServer({ token: TOKEN, store, webhook: { url: receiver.url, secret: SECRET }, webhookRetryDelaysMs: [20, 40] });
    authedUrl = `${server.url.replace('http://', `http://x-access-token:${TOKEN}@`)}/acme/gitops.git`;
  });

  afterEach(async () => {
    await server.close();
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('clones anonymously, pushes with a token and delivers a signed push event in GitHub\'s shape', async () => {
    await git(workDir, ['clone', '--quiet', `${server.url}/acme/gitops.git`, 'repo']);
    const clone = path.join(workDir, 'repo');
    expect(fs.readFileSync(path.join(clone, 'apps/app.yaml'), 'utf8')).toBe('replicas: 1\n');

    fs.writeFileSync(path.join(clone, 'apps/app.yaml'), 'replicas: 2\n');
    fs.writeFileSync(path.join(clone, 'new.txt'), 'new\n');
    fs.rmSync(path.join(clone, 'README.md'));
    await git(clone, ['add', '-A']);
    await git(clone, ['commit', '--quiet', '-m', 'scale to two']);
    const pushedSha = (await git(clone, ['rev-parse', 'HEAD'])).trim();
    const before = await store.requireCommit('acme', 'gitops', 'main');

    await expect(git(clone, ['push', '--quiet', 'origin', 'HEAD:main'])).rejects.toThrow();
    await git(clone, ['push', '--quiet', authedUrl, 'HEAD:main']);
    expect(await store.requireCommit('acme', 'gitops', 'main')).toBe(pushedSha);

    await server.waitForDeliveries();
    const [failed, delivered] = await receiver.waitFor(2);
    expect(failed.headers['x-github-delivery']).toBe(delivered.headers['x-github-delivery']);
    expect(delivered.headers).toMatchObject({
      'x-github-event': 'push',
      'x-github-hook-id': expect.any(String),
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^GitHub-Hookshot\//),
    });
    expect(await verify(SECRET, delivered.body, String(delivered.headers['x-hub-signature-256']))).toBe(true);
    expect(await verify('wrong-secret', delivered.body, String(delivered.headers['x-hub-signature-256']))).toBe(false);

    const payload = JSON.parse(delivered.body);
    expect(payload).toMatchObject({
      ref: 'refs/heads/main',
      before,
      after: pushedSha,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      repository: { full_name: 'acme/gitops', default_branch: 'main', clone_url: `${server.url}/acme/gitops.git` },
      pusher: { name: 'gort-sandbox' },
    });
    expect(payload.commits).toEqual([
      expect.objectContaining({ id: pushedSha, message: 'scale to two', added: ['new.txt'], removed: ['README.md'], modified: ['apps/app.yaml'] }),
    ]);
    expect(payload.head_commit.id).toBe(pushedSha);

    // Same top-level keys, and the same JSON type per key, as GitHub's own push examples.
    const example = webhookExamples.find(entry => entry.name === 'push')!.examples[0];
    expect(Object.keys(payload).sort()).toEqual(Object.keys(example).sort());
    for (const key of Object.keys(example)) expect([key, typeOf(payload[key])]).toEqual([key, typeOf(example[key])]);
    const exampleRepository = example.repository as Record<string, unknown>;
    for (const key of ['created_at', 'pushed_at', 'full_name', 'default_branch', 'html_url', 'clone_url', 'owner']) {
      expect([key, typeOf(payload.repository[key])]).toEqual([key, typeOf(exampleRepository[key])]);
    }

    const records = server.deliveries();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ event: 'push', ok: true, statusCode: 200, redelivery: false });
    expect(records[0].attempts.map(attempt => attempt.statusCode)).toEqual([500, 200]);
    expect(records[0].durationMs).toEqual(expect.any(Number));

    const again = await server.redeliver(records[0].id);
    expect(again).toMatchObject({ id: records[0].id, redelivery: true, ok: true });
    const all = await receiver.waitFor(3);
    expect(all[2].headers['x-github-delivery']).toBe(records[0].id);
    expect(all[2].body).toBe(delivered.body);
  });

  it('announces new branches, force pushes and deletions made with git push', async () => {
    await git(workDir, ['clone', '--quiet', authedUrl, 'repo']);
    const clone = path.join(workDir, 'repo');
    await git(clone, ['checkout', '--quiet', '-b', 'feature']);
    fs.writeFileSync(path.join(clone, 'f.txt'), 'f\n');
    await git(clone, ['add', '-A']);
    await git(clone, ['commit', '--quiet', '-m', 'feature work']);
    await git(clone, ['push', '--quiet', 'origin', 'feature']);
    await git(clone, ['commit', '--quiet', '--amend', '-m', 'feature work, amended']);
    await git(clone, ['push', '--quiet', '--force', 'origin', 'feature']);
    await git(clone, ['push', '--quiet', 'origin', '--delete', 'feature']);

    await server.waitForDeliveries();
    const payloads = (await receiver.waitFor(4)).slice(1).map(delivery => JSON.parse(delivery.body));
    expect(payloads.map(payload => [payload.ref, payload.created, payload.forced, payload.deleted])).toEqual([
      ['refs/heads/feature', true, false, false],
      ['refs/heads/feature', false, true, false],
      ['refs/heads/feature', false, false, true],
    ]);
    expect(payloads[0].commits.map((commit: { message: string }) => commit.message)).toEqual(['feature work']);
    expect(payloads[1].commits.map((commit: { message: string }) => commit.message)).toEqual(['feature work, amended']);
    expect(store.resolveRepoDir(`${server.url}/acme/gitops.git`)).toBe(store.repoDir('acme', 'gitops'));
  });

  it('refuses pushes with a wrong token and unknown repositories', async () => {
    await git(workDir, ['clone', '--quiet', `${server.url}/acme/gitops.git`, 'repo']);
    const clone = path.join(workDir, 'repo');
    await git(clone, ['commit', '--quiet', '--allow-empty', '-m', 'empty']);
    const wrongUrl = `${server.url.replace('http://', 'http://x:wrong@')}/acme/gitops.git`;
    await expect(git(clone, ['push', '--quiet', wrongUrl, 'HEAD:main'])).rejects.toThrow(/Authentication failed/);
    expect(server.deliveries()).toEqual([]);
    await expect(git(workDir, ['ls-remote', `${server.url}/acme/missing.git`])).rejects.toThrow(/not found|404/i);
    const response = await fetch(`${server.url}/acme/gitops.git/info/refs?service=git-receive-pack`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
  });
});
