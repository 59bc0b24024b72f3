import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseDeliveryInbox } from '../database/DatabaseDeliveryInbox';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { DatabaseWatcherStore } from '../database/DatabaseWatcherStore';
import { migrationsDir } from '../database/migrations';
import type { RunStore } from '../database/RunStore';
import type { PushEvent } from '../webhook/pushEvent';
import { inboxPush, PushIngestion } from './PushIngestion';
import { RunLifecycle } from './RunLifecycle';

jest.setTimeout(60_000);

const sha = (c: string | number) => String(c).padStart(40, 'e');

function push(after: string, before = sha('0')): PushEvent {
  return {
    repo: { owner: 'acme', repo: 'fleet' },
    branch: 'main',
    defaultBranch: 'main',
    isDefaultBranch: true,
    before,
    after,
    forced: false,
    headCommit: {
      sha: after,
      message: 'Bump',
      author: 'ada',
      timestamp: '2026-12-03T10:00:00Z',
    },
    changedFiles: ['apps/podinfo.yaml'],
  };
}

describe('PushIngestion', () => {
  const databases = createTestDatabases();

  async function setUp(
    id: Parameters<typeof databases.init>[0],
    options: { runStore?: (store: RunStore) => RunStore } = {},
  ) {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    let now = new Date('2026-12-03T10:00:00Z');
    const clock = () => now;
    const stored = new DatabaseRunStore(knex);
    const runStore = options.runStore ? options.runStore(stored) : stored;
    const watcherStore = new DatabaseWatcherStore(knex);
    const objects = [
      {
        kind: 'Kustomization' as const,
        namespace: 'flux-system',
        name: 'apps',
      },
    ];
    await watcherStore.replaceAll(
      ['a', 'b'].map(name => ({
        entityRef: `component:default/${name}`,
        objects,
        targetRepo: { owner: 'acme', repo: 'fleet' },
        docsPaths: ['docs/plans/'],
        mode: 'fix-pr' as const,
        problems: [],
      })),
    );
    const lifecycle = new RunLifecycle(mockServices.logger.mock());
    const announced: string[] = [];
    lifecycle.subscribe(e => {
      announced.push(`${e.entityRef.split('/')[1]} ${e.state}`);
    });
    const inbox = new DatabaseDeliveryInbox(knex, clock);
    // each replica with a store of its own, as two backends have
    const replica = () =>
      new PushIngestion({
        watcherStore,
        runStore: options.runStore ? runStore : new DatabaseRunStore(knex),
        inbox,
        logger: mockServices.logger.mock(),
        defaultTimeoutMs: 600_000,
        lifecycle,
        drainWindowMs: 0,
        clock,
      });
    return {
      knex,
      inbox,
      store: stored,
      ingestion: replica(),
      replica,
      announced,
      advance: (ms: number) => {
        now = new Date(now.getTime() + ms);
      },
      inboxIds: async () =>
        (
          await knex('gort_delivery_inbox')
            .orderBy('delivery_id')
            .select('delivery_id')
        ).map(r => r.delivery_id),
    };
  }

  it.each(databases.eachSupportedId())(
    'answers once the delivery is in the inbox, then drains it into runs in arrival order, on %p',
    async id => {
      const { knex, ingestion, inboxIds, announced, store } = await setUp(id);
      const results = [];
      for (let i = 1; i <= 5; i++)
        results.push(
          await ingestion.accept(push(sha(i)), {
            deliveryId: `d-${i}`,
            via: 'webhook',
            bodyHash: sha(i).padEnd(64, '0'),
          }),
        );
      expect(results).toEqual(Array(5).fill({ status: 'accepted', queued: 2 }));
      await ingestion.idle();
      expect(await inboxIds()).toEqual([]);
      // each entity: the last push waits, every earlier one is superseded by the next
      for (const entity of ['a', 'b']) {
        const rows = await knex('gort_runs')
          .where('entity_ref', `component:default/${entity}`)
          .orderBy('seq')
          .select('sha', 'state');
        expect(rows.map(r => `${r.sha.slice(-1)} ${r.state}`)).toEqual([
          '1 superseded',
          '2 superseded',
          '3 superseded',
          '4 superseded',
          '5 queued',
        ]);
      }
      expect(announced.filter(a => a.endsWith('queued'))).toHaveLength(10);
      const deliveries = await knex('gort_deliveries')
        .orderBy('delivery_id')
        .select('delivery_id', 'result', 'run_ids');
      expect(
        deliveries.map(d => [
          d.delivery_id,
          d.result,
          JSON.parse(d.run_ids).length,
        ]),
      ).toEqual([1, 2, 3, 4, 5].map(i => [`d-${i}`, 'accepted', 2]));
      expect(await store.knownDeliveryIds(['d-1', 'd-9'])).toEqual(
        new Set(['d-1']),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'stores the deliveries of a burst together, and tells each one apart: new, redelivered, replayed, on %p',
    async id => {
      const { knex, inbox, inboxIds } = await setUp(id);
      const delivery = (deliveryId: string, body: string) => ({
        deliveryId,
        source: 'webhook' as const,
        bodyHash: body.repeat(64),
        push: inboxPush(push(sha(1))),
      });
      await knex('gort_deliveries').insert({
        delivery_id: 'stored',
        source: 'webhook',
        body_hash: '0'.repeat(64),
        received_at: new Date(),
        result: 'accepted',
        run_ids: '[]',
      });
      const inserts: string[] = [];
      knex.on('query', (query: { sql: string }) => {
        if (/insert into gort_delivery_inbox/i.test(query.sql))
          inserts.push(query.sql);
      });
      // one turn of the event loop, as the requests of a burst are read
      const answers = await Promise.all([
        ...Array.from({ length: 20 }, (_, i) =>
          inbox.enqueue(delivery(`new-${i}`, String.fromCharCode(97 + i))),
        ),
        inbox.enqueue(delivery('new-0', 'z')),
        inbox.enqueue(delivery('replay', 'a')),
        inbox.enqueue(delivery('stored', 'y')),
        inbox.enqueue(delivery('replay-of-stored', '0')),
      ]);
      expect(answers).toEqual([
        ...Array(20).fill({ duplicate: false }),
        { duplicate: true },
        { duplicate: true, replayOf: 'new-0' },
        { duplicate: true },
        { duplicate: true, replayOf: 'stored' },
      ]);
      expect(await inboxIds()).toHaveLength(20);
      // PostgreSQL stores the burst in one statement; SQLite, in the process, one each
      expect(inserts).toHaveLength(id.startsWith('POSTGRES') ? 1 : 24);
    },
  );

  it.each(databases.eachSupportedId())(
    'finds redeliveries and replays whether the delivery waits in the inbox or was drained, on %p',
    async id => {
      const { ingestion, inbox, store } = await setUp(id);
      // (`store` here is another replica's: knownDeliveryIds reads the database)
      const hash = 'h'.repeat(64);
      // waiting in the inbox: asked of the store directly, before any drain
      expect(
        await inbox.enqueue({
          deliveryId: 'w-1',
          source: 'webhook',
          bodyHash: 'w'.repeat(64),
          push: inboxPush(push(sha(7))),
        }),
      ).toEqual({ duplicate: false });
      expect(
        await inbox.enqueue({
          deliveryId: 'w-1',
          source: 'webhook',
          push: inboxPush(push(sha(7))),
        }),
      ).toEqual({ duplicate: true });
      expect(
        await inbox.enqueue({
          deliveryId: 'w-2',
          source: 'events',
          bodyHash: 'w'.repeat(64),
          push: inboxPush(push(sha(7))),
        }),
      ).toEqual({ duplicate: true, replayOf: 'w-1' });
      expect(await store.knownDeliveryIds(['w-1', 'w-2'])).toEqual(
        new Set(['w-1']),
      );
      // drained: the same answers
      await ingestion.accept(push(sha(1)), {
        deliveryId: 'd-1',
        via: 'webhook',
        bodyHash: hash,
      });
      await ingestion.idle();
      expect(
        await ingestion.accept(push(sha(1)), {
          deliveryId: 'd-1',
          via: 'webhook',
          bodyHash: hash,
        }),
      ).toEqual({
        status: 'duplicate',
        queued: 0,
        reason: 'delivery d-1 was already handled',
      });
      expect(
        await ingestion.accept(push(sha(1)), {
          deliveryId: 'd-2',
          via: 'events',
          bodyHash: hash,
        }),
      ).toEqual({
        status: 'duplicate',
        queued: 0,
        reason: 'the same body was already handled as delivery d-1',
      });
      // a push nobody follows is stored as ignored, so its redelivery is a duplicate too
      const elsewhere = {
        ...push(sha(2)),
        repo: { owner: 'acme', repo: 'other' },
      };
      expect(
        await ingestion.accept(elsewhere, {
          deliveryId: 'o-1',
          via: 'webhook',
        }),
      ).toEqual({
        status: 'ignored',
        queued: 0,
        reason: 'no entity follows acme/other@main',
      });
      await ingestion.idle();
      expect(
        (
          await ingestion.accept(elsewhere, {
            deliveryId: 'o-1',
            via: 'webhook',
          })
        ).status,
      ).toBe('duplicate');
    },
  );

  /** A run store whose first `failures` ingestions fail, as a dropped connection would. */
  const failingFirst =
    (failures: number) =>
    (store: RunStore): RunStore => {
      let left = failures;
      return Object.assign(Object.create(store), {
        ingestDelivery: async (
          delivery: Parameters<RunStore['ingestDelivery']>[0],
        ) => {
          if (left-- > 0) throw new Error('injected: connection reset');
          return store.ingestDelivery(delivery);
        },
      });
    };
  const countRuns = async (knex: Awaited<ReturnType<typeof setUp>>['knex']) =>
    Number((await knex('gort_runs').count({ n: '*' }).first())?.n);

  it.each(databases.eachSupportedId())(
    'keeps a delivery whose drain fails in the inbox, and the replica that took it retries it, on %p',
    async id => {
      const { knex, ingestion, inboxIds, announced } = await setUp(id, {
        runStore: failingFirst(1),
      });
      expect(
        await ingestion.accept(push(sha(1)), {
          deliveryId: 'd-1',
          via: 'webhook',
        }),
      ).toEqual({ status: 'accepted', queued: 2 });
      await ingestion.idle();
      expect(await inboxIds()).toEqual(['d-1']);
      expect(await countRuns(knex)).toBe(0);
      expect(
        await knex('gort_delivery_inbox').first('attempts', 'last_error'),
      ).toEqual({
        attempts: 1,
        last_error: expect.stringContaining('injected: connection reset'),
      });
      // retried after 1 s
      for (let i = 0; i < 50 && (await countRuns(knex)) < 2; i++)
        await new Promise(r => setTimeout(r, 100));
      await ingestion.idle();
      expect(await countRuns(knex)).toBe(2);
      expect(await inboxIds()).toEqual([]);
      expect(announced).toEqual(['a queued', 'b queued']);
    },
  );

  it.each(databases.eachSupportedId())(
    'drains a failed delivery left behind on the scheduled pass, after its backoff, on %p',
    async id => {
      const { knex, inbox, ingestion, inboxIds, advance } = await setUp(id, {
        runStore: failingFirst(1),
      });
      await inbox.enqueue({
        deliveryId: 'd-1',
        source: 'webhook',
        push: inboxPush(push(sha(1))),
      });
      // not left behind yet
      expect(await ingestion.drainLeftBehind()).toBe(0);
      expect(await knex('gort_delivery_inbox').first('attempts')).toEqual({
        attempts: 0,
      });
      advance(10_001);
      expect(await ingestion.drainLeftBehind()).toBe(0);
      expect(await knex('gort_delivery_inbox').first('attempts')).toEqual({
        attempts: 1,
      });
      // due again only after 1 s
      expect(await ingestion.drainLeftBehind()).toBe(0);
      expect(await knex('gort_delivery_inbox').first('attempts')).toEqual({
        attempts: 1,
      });
      advance(1_000);
      expect(await ingestion.drainLeftBehind()).toBe(1);
      expect(await inboxIds()).toEqual([]);
      expect(await countRuns(knex)).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'drains what a stopped replica left in the inbox once, even when two replicas drain it at once, on %p',
    async id => {
      const { knex, inbox, replica, inboxIds, advance, announced } =
        await setUp(id);
      // a replica stored these and stopped before its drain
      for (let i = 1; i <= 3; i++)
        await inbox.enqueue({
          deliveryId: `d-${i}`,
          source: 'webhook',
          push: inboxPush(push(sha(i))),
        });
      advance(11_000);
      const [first, second] = [replica(), replica()];
      const drained = await Promise.all([
        first.drainLeftBehind(),
        second.drainLeftBehind(),
      ]);
      expect(drained.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
      expect(await inboxIds()).toEqual([]);
      const rows = await knex('gort_runs')
        .orderBy('seq')
        .select('entity_ref', 'sha', 'state');
      expect(rows).toHaveLength(6);
      expect(
        rows
          .filter(r => r.state === 'queued')
          .map(r => `${r.entity_ref.split('/')[1]} ${r.sha.slice(-1)}`)
          .sort(),
      ).toEqual(['a 3', 'b 3']);
      // each run announced once, by whichever replica stored it
      expect(announced.filter(a => a.endsWith('queued'))).toHaveLength(6);
    },
  );
});
