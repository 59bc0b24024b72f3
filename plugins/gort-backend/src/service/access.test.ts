import {
  BackstageCredentials,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { deliverSignedPush, untilWatchers } from '../__testUtils__/signedPush';
import { gortPlugin } from '../plugin';

jest.setTimeout(60_000);

const SECRET = 'access-test-secret';
const SHA = 'a'.repeat(40);

function component(name: string, owner: string, extra: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'gort.io/flux-app': `flux-system/${name}`, 'gort.io/target-repo': 'acme/gitops', ...extra },
    },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

const entities = [
  component('podinfo', 'team-a'),
  component('payments', 'team-b'),
  // readable by policy for team-a, but the catalog hides it from every user
  component('vault', 'team-a', { 'test.example/catalog-hidden': 'true' }),
];
const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));

const ADA = 'user:default/ada'; // team-a
const GRACE = 'user:default/grace'; // team-b
const READER = 'user:default/reader'; // team-a, may read but not run
const TEAMS: Record<string, string> = { [ADA]: 'team-a', [GRACE]: 'team-b', [READER]: 'team-a' };

const userOf = (credentials: BackstageCredentials) =>
  credentials.principal && (credentials.principal as any).type === 'user'
    ? ((credentials.principal as any).userEntityRef as string)
    : undefined;

/** The catalog shows a user only entities without the hidden marker. */
function catalogFactory() {
  const inner = catalogServiceMock({ entities });
  const catalog = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'getEntitiesByRefs') {
        return async (req: { entityRefs: string[] }, options: { credentials: BackstageCredentials }) => {
          const result = await target.getEntitiesByRefs(req as any, options);
          if (!userOf(options.credentials)) return result;
          return {
            items: result.items.map((e, i) =>
              byRef.get(req.entityRefs[i])?.metadata.annotations?.['test.example/catalog-hidden'] ? undefined : e,
            ),
          };
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return createServiceFactory({ service: catalogServiceRef, deps: {}, factory: () => catalog });
}

/** Stands in for an isEntityOwner policy: allows a user what their team owns. */
const authorizeCalls: Array<{ permission: string; resourceRef?: string }> = [];
const permissions: Partial<PermissionsService> = {
  async authorize(requests, options) {
    const user = userOf((options as { credentials: BackstageCredentials }).credentials);
    return requests.map(r => {
      const resourceRef = (r as { resourceRef?: string }).resourceRef;
      authorizeCalls.push({ permission: r.permission.name, resourceRef });
      if (!user) return { result: AuthorizeResult.ALLOW };
      const entity = resourceRef ? byRef.get(resourceRef) : undefined;
      const owns = entity?.spec?.owner === TEAMS[user];
      const mayRun = r.permission.name !== 'gort.run.create' || user !== READER;
      return { result: owns && mayRun ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    });
  },
};

const auditEvents: Array<{ eventId: string; meta?: unknown; outcome?: string }> = [];
const auditor = mockServices.auditor.mock({
  createEvent: async options => {
    const event: { eventId: string; meta?: unknown; outcome?: string } = { eventId: options.eventId, meta: options.meta };
    auditEvents.push(event);
    return {
      success: async () => {
        event.outcome = 'success';
      },
      fail: async () => {
        event.outcome = 'fail';
      },
    };
  },
});

describe('per-entity access', () => {
  let server: any;
  const as = (user: string) => mockCredentials.user.header(user);

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        gortPlugin,
        catalogFactory(),
        mockServices.permissions.mock(permissions).factory,
        auditor.factory,
        mockServices.rootConfig.factory({
          data: { gort: { webhook: { secret: SECRET }, runs: { manualRateLimit: { max: 2, window: '1h' } } } },
        }),
      ],
    }));
    await untilWatchers(server, 3);
    await deliverSignedPush(server, { secret: SECRET, after: SHA, before: 'b'.repeat(40), deliveryId: 'access-1', runs: 3 });
  });

  it('lists only the entities a user may read, in the catalog and by policy', async () => {
    const watchers = await request(server).get('/api/gort/watchers').set('Authorization', as(ADA));
    expect(watchers.status).toBe(200);
    expect(watchers.body.items.map((w: any) => w.entityRef)).toEqual(['component:default/podinfo']);
    expect(watchers.body.items[0].owners).toEqual(['group:default/team-a']);

    const statuses = await request(server).get('/api/gort/entities/status').set('Authorization', as(GRACE));
    expect(statuses.body.items.map((s: any) => s.entityRef)).toEqual(['component:default/payments']);

    const runs = await request(server).get('/api/gort/runs').set('Authorization', as(ADA));
    expect(runs.body.items.map((r: any) => r.entityRef)).toEqual(['component:default/podinfo']);

    // the checks are per entity, with the entity ref as the resource
    expect(authorizeCalls).toEqual(
      expect.arrayContaining([{ permission: 'gort.run.read', resourceRef: 'component:default/payments' }]),
    );
  });

  it('finds the runs of a commit, only for the entities a user may read', async () => {
    const mine = await request(server).get(`/api/gort/commits/${SHA.toUpperCase()}/runs`).set('Authorization', as(ADA));
    expect(mine.status).toBe(200);
    expect(mine.body.sha).toBe(SHA);
    expect(mine.body.items.map((r: any) => [r.entityRef, r.sha])).toEqual([['component:default/podinfo', SHA]]);
    const theirs = await request(server).get(`/api/gort/commits/${SHA}/runs`).set('Authorization', as(GRACE));
    expect(theirs.body.items.map((r: any) => r.entityRef)).toEqual(['component:default/payments']);

    const none = await request(server).get(`/api/gort/commits/${'c'.repeat(40)}/runs`).set('Authorization', as(ADA));
    expect(none.body).toEqual({ sha: 'c'.repeat(40), items: [] });
    const short = await request(server).get('/api/gort/commits/abc1234/runs').set('Authorization', as(ADA));
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/full commit SHA/);
  });

  it('answers 404 for an entity the user may not read, as the catalog does', async () => {
    for (const path of [
      '/api/gort/entities/default/component/payments/status',
      '/api/gort/runs?entityRef=component:default/payments',
      // allowed by policy, hidden by the catalog
      '/api/gort/entities/default/component/vault/status',
    ]) {
      const res = await request(server).get(path).set('Authorization', as(ADA));
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body.error.name).toBe('NotFoundError');
    }
    const own = await request(server).get('/api/gort/entities/default/component/podinfo/status').set('Authorization', as(ADA));
    expect(own.status).toBe(200);
  });

  it('hides another team\'s run behind the same 404 as a missing one', async () => {
    const runs = await request(server).get('/api/gort/runs').set('Authorization', mockCredentials.service.header());
    const payments = runs.body.items.find((r: any) => r.entityRef === 'component:default/payments');
    const asAda = await request(server).get(`/api/gort/runs/${payments.id}`).set('Authorization', as(ADA));
    const missing = await request(server)
      .get('/api/gort/runs/8a1f2c3e-0000-4000-8000-000000000000')
      .set('Authorization', as(ADA));
    expect(asAda.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(asAda.body.error.message).toBe(`No run ${payments.id}`);
    const asGrace = await request(server).get(`/api/gort/runs/${payments.id}`).set('Authorization', as(GRACE));
    expect(asGrace.status).toBe(200);
  });

  it('refuses manual runs: 404 when not readable, 403 when not allowed, 429 over the limit', async () => {
    const post = (user: string, entityRef: string) =>
      request(server).post('/api/gort/runs').set('Authorization', as(user)).send({ entityRef });
    expect((await post(ADA, 'component:default/payments')).status).toBe(404);
    const reader = await post(READER, 'component:default/podinfo');
    expect(reader.status).toBe(403);
    expect(reader.body.error.message).toMatch(/gort.run.create/);

    // no cluster in this test: the run itself cannot start (409), but each try counts
    expect((await post(ADA, 'component:default/podinfo')).status).toBe(409);
    expect((await post(ADA, 'component:default/podinfo')).status).toBe(409);
    const limited = await post(ADA, 'component:default/podinfo');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(3600);
    // the limit is per user and entity
    expect((await post(GRACE, 'component:default/payments')).status).toBe(409);

    const runNow = auditEvents.filter(e => e.eventId === 'run-now');
    expect(runNow.map(e => e.outcome)).toEqual(['fail', 'fail', 'fail', 'fail', 'fail', 'fail']);
    expect(runNow[0].meta).toEqual({ entityRef: 'component:default/payments' });
  });
});
