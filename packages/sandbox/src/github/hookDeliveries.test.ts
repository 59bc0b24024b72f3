import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { GitRepoStore } from '../git';
import { GitHubServer, startGitHubServer } from './server';
import { startWebhookReceiver } from './webhooks/testWebhookReceiver';

jest.setTimeout(120_000);

const TOKEN = 'ghp_sandboxtoken';
const author = { name: 'Ada', email: 'ada@example.com' };

describe('repository webhook deliveries over the REST API', () => {
  let dataDir: string;
  let store: GitRepoStore;
  let server: GitHubServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const repo = { owner: 'acme', repo: 'gitops', hook_id: 7 };

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gort-hook-deliveries-'));
    store = new GitRepoStore(dataDir);
    await store.createRepo('acme', 'gitops', { files: { 'README.md': '# gitops\n' }, author });
    // The first delivery gets a 503 (the receiver was down), the next ones 202.
    receiver = await startWebhookReceiver([503]);
    server = await startGitHubServer({ token: TOKEN, store, webhook: { url: receiver.url, secret: 's', hookId: 7 } });
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists deliveries newest first with GitHub fields, pages them by cursor, and redelivers one with its guid', async () => {
    const octokit = new Octokit({ baseUrl: server.url, auth: TOKEN });
    for (const name of ['a', 'b', 'c']) {
      await store.commitFiles('acme', 'gitops', { branch: 'main', changes: { [`${name}.txt`]: name }, message: name, author });
    }
    await server.waitForDeliveries();
    const { data: listed } = await octokit.repos.listWebhookDeliveries(repo);
    expect(listed.map(d => d.id)).toEqual([3, 2, 1]);
    expect(listed[2]).toEqual({
      id: 1,
      guid: server.deliveries()[0].id,
      delivered_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      redelivery: false,
      duration: expect.any(Number),
      status: 'Invalid HTTP Response: 503',
      status_code: 503,
      event: 'push',
      action: null,
      installation_id: null,
      repository_id: expect.any(Number),
    });
    expect(listed[0]).toMatchObject({ status: 'OK', status_code: 200 });

    // Two per page: the Link header carries the cursor, as on GitHub.
    const pages = await octokit.paginate(octokit.repos.listWebhookDeliveries, { ...repo, per_page: 2 });
    expect(pages.map(d => d.id)).toEqual([3, 2, 1]);

    const failed = listed[2];
    const attempt = await octokit.repos.redeliverWebhookDelivery({ ...repo, delivery_id: failed.id });
    expect(attempt.status).toBe(202);
    await server.waitForDeliveries();
    const { data: after } = await octokit.repos.listWebhookDeliveries(repo);
    expect(after[0]).toMatchObject({ id: 4, guid: failed.guid, redelivery: true, status: 'OK', status_code: 200 });
    const received = await receiver.waitFor(4);
    expect(received[3].headers['x-github-delivery']).toBe(failed.guid);

    // Another hook, another repository, an unknown delivery, or no credentials: GitHub's 404.
    expect((await octokit.repos.listWebhookDeliveries({ ...repo, hook_id: 8 })).data).toEqual([]);
    await expect(octokit.repos.redeliverWebhookDelivery({ ...repo, delivery_id: 99 })).rejects.toMatchObject({ status: 404 });
    await expect(new Octokit({ baseUrl: server.url }).repos.listWebhookDeliveries(repo)).rejects.toMatchObject({ status: 404 });
    await expect(octokit.repos.listWebhookDeliveries({ ...repo, repo: 'nope' })).rejects.toMatchObject({ status: 404 });
  });
});
