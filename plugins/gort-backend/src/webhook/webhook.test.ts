import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import request from 'supertest';
import { gortPlugin } from '../plugin';

jest.setTimeout(30_000);

const SECRET = 'webhook-test-secret';
const SHA = '1111111111111111111111111111111111111111';

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'podinfo',
      namespace: 'default',
      annotations: {
        'gort.io/flux-app': 'flux-system/podinfo',
        'gort.io/target-repo': 'acme/gitops',
      },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  },
];

function pushBody(after = SHA) {
  return JSON.stringify({
    ref: 'refs/heads/main',
    before: `${'0'.repeat(39)}1`,
    after,
    commits: [],
    head_commit: { id: after, message: 'Bump podinfo', timestamp: '2026-11-23T10:00:00Z', author: { name: 'Ada', username: 'ada' } },
    repository: { name: 'gitops', full_name: 'acme/gitops', default_branch: 'main', owner: { login: 'acme' } },
    pusher: { name: 'ada' },
  });
}

async function startBackend(config: object = { gort: { webhook: { secret: SECRET, maxBodyBytes: 4096 } } }) {
  const { server } = await startTestBackend({
    features: [
      gortPlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  // wait until the catalog read at start has stored the watcher
  for (let i = 0; i < 100; i++) {
    const res = await request(server).get('/api/gort/watchers').set('Authorization', mockCredentials.user.header());
    if (res.body.items?.length) break;
    await new Promise(r => setTimeout(r, 50));
  }
  return server;
}

async function deliver(server: any, body: string, headers: Record<string, string> = {}) {
  return request(server)
    .post('/api/gort/webhook')
    .set('Content-Type', 'application/json')
    .set('X-GitHub-Event', 'push')
    .set('X-GitHub-Delivery', headers.delivery ?? 'delivery-1')
    .set('X-Hub-Signature-256', headers.signature ?? (await sign(SECRET, body)))
    .send(body);
}

async function listRuns(server: any) {
  const res = await request(server).get('/api/gort/runs').set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  return res.body.items;
}

/**
 * The runs once the inbox has drained: the webhook answers before the runs
 * exist. Waits (up to 10 s) for `count` runs, then reads again after the
 * drain's batching window, so runs the drain would add beyond `count` show.
 */
async function drainedRuns(server: any, count: number) {
  for (let i = 0; i < 200 && (await listRuns(server)).length < count; i++)
    await new Promise(r => setTimeout(r, 50));
  await new Promise(r => setTimeout(r, 300));
  return listRuns(server);
}

describe('POST /api/gort/webhook', () => {
  it('queues a run for a signed push and answers 202 with the number of runs it starts', async () => {
    const server = await startBackend();
    const res = await deliver(server, pushBody());
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', queued: 1 });

    const runs = await drainedRuns(server, 1);
    expect(runs).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/podinfo',
        repo: 'acme/gitops',
        branch: 'main',
        sha: SHA,
        trigger: 'push',
        commit: expect.objectContaining({ message: 'Bump podinfo', author: 'ada' }),
      }),
    ]);
    const run = await request(server)
      .get(`/api/gort/runs/${runs[0].id}`)
      .set('Authorization', mockCredentials.user.header());
    expect(run.status).toBe(200);
    expect(run.body.timeline[0]).toMatchObject({ state: 'queued', message: expect.stringContaining('Push of 1111111') });
    expect(run.body.objects).toEqual([{ kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }]);
  });

  it('ignores a redelivery of the same delivery id', async () => {
    const server = await startBackend();
    expect((await deliver(server, pushBody())).status).toBe(202);
    const again = await deliver(server, pushBody());
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      status: 'duplicate',
      reason: 'delivery delivery-1 was already handled',
    });
    expect(await drainedRuns(server, 1)).toHaveLength(1);
    // and once the first was drained into runs
    expect((await deliver(server, pushBody())).body).toMatchObject({
      status: 'duplicate',
    });
    expect(await drainedRuns(server, 1)).toHaveLength(1);
  });

  it('rejects wrong and missing signatures with 401 and stores nothing', async () => {
    const server = await startBackend();
    const wrong = await deliver(server, pushBody(), { signature: await sign('another-secret', pushBody()) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ name: 'AuthenticationError' });
    const tampered = await deliver(server, pushBody('2'.repeat(40)), { signature: await sign(SECRET, pushBody()) });
    expect(tampered.status).toBe(401);
    const missing = await request(server)
      .post('/api/gort/webhook')
      .set('X-GitHub-Event', 'push')
      .set('X-GitHub-Delivery', 'd-x')
      .set('Content-Type', 'application/json')
      .send(pushBody());
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/missing/);
    expect(await drainedRuns(server, 0)).toEqual([]);
  });

  it('answers 400 for malformed input and 413 over the size limit', async () => {
    const server = await startBackend();
    const notJson = await deliver(server, '{nope', { delivery: 'd-1' });
    expect(notJson.status).toBe(400);
    const badPayload = await deliver(server, JSON.stringify({ ref: 'refs/heads/main', after: 'xyz' }), { delivery: 'd-2' });
    expect(badPayload.status).toBe(400);
    expect(badPayload.body.error.message).toMatch(/Malformed push payload: .*after: expected a 40-hex commit SHA/);
    const noDelivery = await request(server)
      .post('/api/gort/webhook')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', await sign(SECRET, pushBody()))
      .send(pushBody());
    expect(noDelivery.status).toBe(400);
    const huge = JSON.stringify({ padding: 'x'.repeat(5000) });
    const tooLarge = await deliver(server, huge, { delivery: 'd-3' });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.response).toEqual({ statusCode: 413 });
    // A well-formed signature over an empty body (the signing library refuses to make one).
    const emptySignature = `sha256=${createHmac('sha256', SECRET).update('').digest('hex')}`;
    const empty = await deliver(server, '', { delivery: 'd-4', signature: emptySignature });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/body is empty/);
    expect(await drainedRuns(server, 0)).toEqual([]);
  });

  it('answers ping, ignores other events and tag pushes', async () => {
    const server = await startBackend();
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const ping = await request(server)
      .post('/api/gort/webhook')
      .set('X-GitHub-Event', 'ping')
      .set('X-GitHub-Delivery', 'p-1')
      .set('X-Hub-Signature-256', await sign(SECRET, body))
      .send(body);
    expect(ping.status).toBe(200);
    expect(ping.body.status).toBe('pong');
    const tag = JSON.parse(pushBody());
    tag.ref = 'refs/tags/v1';
    const tagRes = await deliver(server, JSON.stringify(tag), { delivery: 't-1' });
    expect(tagRes.status).toBe(202);
    expect(tagRes.body).toMatchObject({ status: 'ignored', reason: 'refs/tags/v1 is not a branch' });
    const otherBranch = JSON.parse(pushBody());
    otherBranch.ref = 'refs/heads/feature';
    const otherRes = await deliver(server, JSON.stringify(otherBranch), { delivery: 'b-1' });
    expect(otherRes.body).toMatchObject({ status: 'ignored', reason: 'no entity follows acme/gitops@feature' });
  });

  it('answers 503 until a secret is configured', async () => {
    const server = await startBackend({});
    const res = await deliver(server, pushBody());
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/gort.webhook.secret/);
  });
});

describe('GET /api/gort/runs', () => {
  it('validates its query', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/gort/runs?limit=1000&state=exploded')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/limit/);
    expect(res.body.error.message).toMatch(/state/);
    const notFound = await request(server)
      .get('/api/gort/runs/8a1f2c3e-0000-4000-8000-000000000000')
      .set('Authorization', mockCredentials.user.header());
    expect(notFound.status).toBe(404);
    const badId = await request(server).get('/api/gort/runs/123').set('Authorization', mockCredentials.user.header());
    expect(badId.status).toBe(400);
  });
});

describe('github.push from the events system', () => {
  async function startWithEvents(config: object) {
    const events = mockServices.events.mock();
    let handler: ((params: any) => Promise<void>) | undefined;
    events.subscribe.mockImplementation(async options => {
      if (options.topics.includes('github.push')) handler = options.onEvent;
    });
    const logger = mockServices.logger.mock();
    const { server } = await startTestBackend({
      features: [
        gortPlugin,
        catalogServiceMock.factory({ entities }),
        events.factory,
        mockServices.rootConfig.factory({ data: config }),
        logger.factory,
      ],
    });
    for (let i = 0; i < 100; i++) {
      const res = await request(server).get('/api/gort/watchers').set('Authorization', mockCredentials.user.header());
      if (res.body.items?.length) break;
      await new Promise(r => setTimeout(r, 50));
    }
    return { server, handler, logger };
  }
  const pushEvent = (delivery: string, after = SHA) => ({
    topic: 'github.push',
    eventPayload: JSON.parse(pushBody(after)),
    metadata: { 'x-github-event': 'push', 'x-github-delivery': delivery },
  });

  it('queues runs like the webhook does, once per delivery, when the GitHub events module verifies signatures', async () => {
    const { server, handler, logger } = await startWithEvents({ events: { modules: { github: { webhookSecret: 'events-secret' } } } });
    expect(handler).toBeDefined();
    expect(logger.info).toHaveBeenCalledWith(expect.stringContaining('events.modules.github.webhookSecret is set'));
    await handler!(pushEvent('ev-1'));
    await handler!(pushEvent('ev-1'));
    await handler!({ ...pushEvent('ev-2'), eventPayload: { nonsense: true } });
    const runs = await drainedRuns(server, 1);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ sha: SHA, entityRef: 'component:default/podinfo' });
  });

  it('ignores github.push when nothing verified it, and says so at startup', async () => {
    const { server, handler, logger } = await startWithEvents({ gort: { webhook: { secret: SECRET } } });
    expect(handler).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'GORT ignores github.push from the events system',
      ),
    );
    expect(await drainedRuns(server, 0)).toHaveLength(0);
  });

  it('uses unverified events only with gort.events.trustUnverified, with a warning', async () => {
    const { server, handler, logger } = await startWithEvents({ gort: { events: { trustUnverified: true } } });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('UNVERIFIED'));
    await handler!(pushEvent('ev-1'));
    expect(await drainedRuns(server, 1)).toHaveLength(1);
  });
});

describe('replays', () => {
  it('recognises the same body under a new delivery id, on the webhook and from the events system', async () => {
    const events = mockServices.events.mock();
    let handler: ((params: any) => Promise<void>) | undefined;
    events.subscribe.mockImplementation(async options => {
      if (options.topics.includes('github.push')) handler = options.onEvent;
    });
    const { server } = await startTestBackend({
      features: [
        gortPlugin,
        catalogServiceMock.factory({ entities }),
        events.factory,
        mockServices.rootConfig.factory({ data: { gort: { webhook: { secret: SECRET }, events: { trustUnverified: true } } } }),
      ],
    });
    for (let i = 0; i < 100; i++) {
      const res = await request(server).get('/api/gort/watchers').set('Authorization', mockCredentials.user.header());
      if (res.body.items?.length) break;
      await new Promise(r => setTimeout(r, 50));
    }
    expect((await deliver(server, pushBody(), { delivery: 'orig-1' })).status).toBe(202);
    const replay = await deliver(server, pushBody(), { delivery: 'replay-2' });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({
      status: 'duplicate',
      reason: 'the same body was already handled as delivery orig-1',
    });
    // the same body through the events system, under yet another id
    await handler!({ topic: 'github.push', eventPayload: JSON.parse(pushBody()), metadata: { 'x-github-event': 'push', 'x-github-delivery': 'replay-3' } });
    // a new push (another body) still counts
    const next = await deliver(server, pushBody('2222222222222222222222222222222222222222'), { delivery: 'orig-4' });
    expect(next.status).toBe(202);
    expect(
      (await drainedRuns(server, 2))
        .map((r: { sha: string }) => r.sha.slice(0, 4))
        .sort(),
    ).toEqual(['1111', '2222']);
  });
});
