import { createTestDatabases } from '../__testUtils__/testDatabases';
import { migrationsDir } from './migrations';
import { DatabaseRunStore } from './DatabaseRunStore';
import { NewRun } from './RunStore';

jest.setTimeout(60_000);

const sha = (c: string) => c.repeat(40);

function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    entityRef: 'component:default/podinfo',
    objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }],
    repo: 'acme/gitops',
    branch: 'main',
    sha: sha('a'),
    trigger: 'push',
    deliveryId: 'd-1',
    commit: { message: 'Bump podinfo', author: 'ada' },
    timeoutMs: 600_000,
    ...overrides,
  };
}

describe('DatabaseRunStore', () => {
  const databases = createTestDatabases();

  async function createStore(
    databaseId: Parameters<typeof databases.init>[0],
    clock?: () => Date,
  ) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return new DatabaseRunStore(knex, clock);
  }

  it.each(databases.eachSupportedId())('deduplicates deliveries, on %p', async id => {
    const store = await createStore(id);
    expect(await store.recordDelivery('abc', 'webhook')).toBe(true);
    expect(await store.recordDelivery('abc', 'webhook')).toBe(false);
    expect(await store.recordDelivery('abd', 'events')).toBe(true);
    await store.finishDelivery('abc', 'accepted', ['r1']);
    expect(await store.pruneDeliveries(new Date(Date.now() + 1000))).toBe(2);
    expect(await store.recordDelivery('abc', 'webhook')).toBe(true);
  });

  it.each(databases.eachSupportedId())(
    'creates a run once per entity and commit, and a newer push supersedes waiting runs, on %p',
    async id => {
      const store = await createStore(id);
      const first = await store.createRun(newRun());
      expect(first).toEqual({ runId: expect.any(String), created: true, superseded: [], createdAt: expect.any(String) });
      expect(await store.createRun(newRun({ deliveryId: 'd-2' }))).toEqual({
        runId: first.runId,
        created: false,
        superseded: [],
        createdAt: first.createdAt,
      });
      const other = await store.createRun(newRun({ entityRef: 'component:default/other' }));
      expect(other.created).toBe(true);

      const second = await store.createRun(newRun({ sha: sha('b'), deliveryId: 'd-3' }));
      expect(second.superseded).toEqual([first.runId]);

      const superseded = await store.getRun(first.runId);
      expect(superseded).toMatchObject({
        state: 'superseded',
        outcome: 'superseded',
        supersededBy: second.runId,
        finishedAt: expect.any(String),
      });
      expect(superseded!.timeline.map(e => e.state)).toEqual(['queued', 'superseded']);
      expect((await store.getRun(other.runId))!.state).toBe('queued');
      expect(await store.getRun('nope')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'gives each run to one replica, and to another when the lease expires, on %p',
    async id => {
      let now = new Date('2026-11-23T10:00:00Z');
      const store = await createStore(id, () => now);
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        ids.push((await store.createRun(newRun({ entityRef: `component:default/s${i}` }))).runId);
      }
      const [a, b] = await Promise.all([
        store.claimRuns('replica-a', 30_000, 10),
        store.claimRuns('replica-b', 30_000, 10),
      ]);
      const claimedIds = [...a, ...b].map(r => r.id);
      expect(new Set(claimedIds).size).toBe(claimedIds.length);
      expect(claimedIds.sort()).toEqual([...ids].sort());

      const aIds = a.map(r => r.id);
      expect(await store.claimRuns('replica-c', 30_000, 10)).toEqual([]);
      now = new Date(now.getTime() + 20_000);
      expect(await store.renewLeases('replica-a', aIds, 30_000)).toEqual(expect.arrayContaining(aIds));
      now = new Date(now.getTime() + 20_000);
      // b's leases expired (40 s > 30 s); a's were renewed.
      const taken = await store.claimRuns('replica-c', 30_000, 20);
      expect(taken.map(r => r.id).sort()).toEqual(b.map(r => r.id).sort());
      // replica-a may have claimed all ten runs
      if (b.length > 0) {
        /* eslint-disable jest/no-conditional-expect */
        expect(await store.transition(b[0].id, 'replica-b', { state: 'reconciling', message: 'late' })).toBe(false);
        expect(await store.transition(b[0].id, 'replica-c', { state: 'reconciling', message: 'ok' })).toBe(true);
        /* eslint-enable jest/no-conditional-expect */
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'records transitions, details and the timeline, and ends runs, on %p',
    async id => {
      const store = await createStore(id);
      const { runId } = await store.createRun(newRun());
      await store.claimRuns('me', 30_000, 5);
      expect(await store.recordVerdicts(runId, 'me', [
        { object: 'Kustomization/flux-system/podinfo', state: 'reconciling', detail: 'Progressing', at: new Date().toISOString() },
      ])).toBe(true);
      expect(await store.transition(runId, 'me', {
        state: 'failed',
        message: 'Ready=False (HealthCheckFailed)',
        outcome: 'failed',
        failure: { object: 'Kustomization/flux-system/podinfo', reason: 'HealthCheckFailed', message: 'timeout' },
      })).toBe(true);
      expect(await store.transition(runId, 'me', {
        state: 'done',
        message: 'Diagnosed as image-pull',
        category: 'image-pull',
        evidence: [{ source: 'Pod/podinfo/p-1', message: 'ImagePullBackOff' }],
      })).toBe(true);
      expect(await store.transition(runId, 'me', { state: 'reconciling', message: 'too late' })).toBe(false);

      const run = await store.getRun(runId);
      expect(run).toMatchObject({
        state: 'done',
        outcome: 'failed',
        category: 'image-pull',
        failure: { reason: 'HealthCheckFailed' },
        verdicts: [{ state: 'reconciling' }],
        evidence: [{ source: 'Pod/podinfo/p-1' }],
        commit: { message: 'Bump podinfo', author: 'ada' },
        finishedAt: expect.any(String),
      });
      expect(run!.timeline.map(e => e.state)).toEqual(['queued', 'failed', 'done']);
      expect(await store.claimRuns('me', 30_000, 5)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())('pages through runs with a cursor and filters, on %p', async id => {
    const store = await createStore(id);
    for (let i = 0; i < 5; i++) {
      await store.createRun(newRun({ sha: sha(String(i)), entityRef: i % 2 ? 'component:default/odd' : 'component:default/even' }));
    }
    const first = await store.listRuns({ limit: 2 });
    expect(first.items.map(r => r.sha[0])).toEqual(['4', '3']);
    const second = await store.listRuns({ limit: 2, cursor: first.nextCursor });
    expect(second.items.map(r => r.sha[0])).toEqual(['2', '1']);
    const third = await store.listRuns({ limit: 2, cursor: second.nextCursor });
    expect(third.items.map(r => r.sha[0])).toEqual(['0']);
    expect(third.nextCursor).toBeUndefined();
    const even = await store.listRuns({ limit: 10, entityRef: 'component:default/even' });
    // each newer push supersedes the entity's older waiting runs
    expect(even.items.map(r => r.state)).toEqual(['queued', 'superseded', 'superseded']);
    expect(await store.countActive()).toEqual({ queued: 2 });
    const latest = await store.latestRunPerEntity();
    expect([...latest.keys()].sort()).toEqual(['component:default/even', 'component:default/odd']);
    expect(latest.get('component:default/even')!.sha[0]).toBe('4');
    expect(latest.get('component:default/odd')!.sha[0]).toBe('3');
    expect((await store.listRuns({ limit: 10, state: 'superseded' })).items).toHaveLength(3);
  });
});
