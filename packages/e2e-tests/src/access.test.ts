import type { EntityGortStatusList, RunList, WatcherList } from '@gort-backstage/plugin-gort-common';
import { GortEnvironment, OTHER_USER, PODINFO } from './harness/gortEnvironment';

jest.setTimeout(300_000);

const PAYMENTS = 'component:default/payments';

/**
 * Under packages/backend's ownership permission policy (isEntityOwner), with
 * two identities: the guest (platform team, owns podinfo) and pat (another
 * team, owns payments). Everything goes through the real backend's HTTP API.
 */
describe('entity-scoped access through the real backend', () => {
  let env: GortEnvironment;
  const asPat = (path: string, init: RequestInit = {}) => env.api(path, init, env.backend, OTHER_USER);

  beforeAll(async () => {
    env = await GortEnvironment.start({
      moreEntities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'payments',
            annotations: { 'gort.io/flux-app': 'flux-system/payments', 'gort.io/target-repo': 'acme/payments-gitops' },
          },
          spec: { type: 'service', lifecycle: 'production', owner: 'other-team' },
        },
      ],
      gortConfig: { runs: { lease: '3s', manualRateLimit: { max: 2, window: '10m' } } },
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('a user sees only the entities their team owns, on every list', async () => {
    const guestWatchers = await env.api<WatcherList>('/watchers');
    expect(guestWatchers.body.items.map(w => w.entityRef)).toEqual([PODINFO]);
    const patWatchers = await asPat('/watchers');
    expect(patWatchers.body.items.map((w: any) => w.entityRef)).toEqual([PAYMENTS]);

    // the org page's data
    const patOrg = await asPat('/entities/status');
    expect(patOrg.status).toBe(200);
    expect((patOrg.body as EntityGortStatusList).items.map(i => i.entityRef)).toEqual([PAYMENTS]);
  });

  it("another team's entity answers 404 for its status, runs and run details", async () => {
    const sha = await env.push('fix');
    const run = await env.waitForRun(sha, r => r.state !== 'queued');

    for (const path of [
      `/entities/default/component/podinfo/status`,
      `/runs?entityRef=${encodeURIComponent(PODINFO)}`,
      `/runs/${run.id}`,
    ]) {
      const res = await asPat(path);
      expect({ path, status: res.status, error: res.body?.error?.name }).toEqual({
        path,
        status: 404,
        error: 'NotFoundError',
      });
    }
    const allRuns = await asPat('/runs?limit=100');
    expect((allRuns.body as RunList).items.map(r => r.entityRef)).not.toContain(PODINFO);
    // the owner reads the same run
    expect((await env.api(`/runs/${run.id}`)).status).toBe(200);
  });

  it('manual runs: refused for another team, rate-limited for the owner', async () => {
    const post = (user?: string) =>
      env.api('/runs', { method: 'POST', body: JSON.stringify({ entityRef: PODINFO }) }, env.backend, user);
    expect((await post(OTHER_USER)).status).toBe(404);

    const first = await post();
    expect([200, 201]).toContain(first.status);
    expect([200, 201]).toContain((await post()).status);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error.message).toMatch(/Too many manual runs/);
  });
});
