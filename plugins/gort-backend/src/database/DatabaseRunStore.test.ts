import { createTestDatabases } from '../__testUtils__/testDatabases';
import { migrationsDir } from './migrations';
import { DatabaseRunStore } from './DatabaseRunStore';
import { NewRun } from './RunStore';

jest.setTimeout(60_000);

const sha = (c: string) => c.repeat(40);

function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    entityRef: 'component:default/podinfo',
    objects: [
      { kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' },
    ],
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

  async function createStoreAndDb(
    databaseId: Parameters<typeof databases.init>[0],
  ) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return { knex, store: new DatabaseRunStore(knex) };
  }

  it.each(databases.eachSupportedId())(
    'stores a delivery with all its runs at once, and a redelivery is a duplicate, on %p',
    async id => {
      const store = await createStore(id);
      const runs = Array.from({ length: 1000 }, (_, i) =>
        newRun({ entityRef: `component:default/app-${i}` }),
      );
      const first = await store.ingestDelivery({
        deliveryId: 'd-1',
        source: 'webhook',
        runs,
      });
      expect(first.duplicate).toBe(false);
      const created = first.duplicate ? [] : first.runs;
      expect(created.filter(r => r.created)).toHaveLength(1000);
      expect(new Set(created.map(r => r.runId)).size).toBe(1000);
      expect((await store.listRuns({ limit: 100 })).items).toHaveLength(100);
      expect(
        await store.ingestDelivery({
          deliveryId: 'd-1',
          source: 'webhook',
          runs,
        }),
      ).toEqual({ duplicate: true });
      expect(await store.countActive()).toEqual({ queued: 1000 });
      expect(await store.pruneDeliveries(new Date(Date.now() + 1000))).toBe(1);
      const again = await store.ingestDelivery({
        deliveryId: 'd-1',
        source: 'webhook',
        runs,
      });
      expect(
        again.duplicate === false &&
          again.runs.every(r => !r.created && r.reason === 'same-commit'),
      ).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists each entity that has runs once, on %p',
    async id => {
      const store = await createStore(id);
      expect(await store.runEntityRefs()).toEqual([]);
      const entities = [
        'component:default/b',
        'component:default/a',
        'component:team-x/c',
      ];
      for (const [i, c] of ['1', '2', '3'].entries()) {
        await store.ingestDelivery({
          deliveryId: `d-${c}`,
          source: 'webhook',
          runs: entities.map(entityRef =>
            newRun({ entityRef, sha: sha(c), deliveryId: `d-${c}` }),
          ),
        });
        expect((await store.listRuns({ limit: 100 })).items).toHaveLength(
          3 * (i + 1),
        );
      }
      expect(await store.runEntityRefs()).toEqual([
        'component:default/a',
        'component:default/b',
        'component:team-x/c',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reuses the entities that have runs for a few seconds, with its own new runs at once, on %p',
    async id => {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      let now = new Date('2026-12-03T10:00:00Z');
      const mine = new DatabaseRunStore(knex, () => now, {
        entityRefsTtlMs: 5000,
      });
      const otherReplica = new DatabaseRunStore(knex, () => now);
      await mine.createRun(newRun({ entityRef: 'component:default/a' }));
      expect(await mine.runEntityRefs()).toEqual(['component:default/a']);
      await otherReplica.createRun(
        newRun({ entityRef: 'component:default/x' }),
      );
      await mine.createRun(newRun({ entityRef: 'component:default/b' }));
      // its own new entity at once, the other replica's after the TTL
      expect(await mine.runEntityRefs()).toEqual([
        'component:default/a',
        'component:default/b',
      ]);
      now = new Date(now.getTime() + 5000);
      expect(await mine.runEntityRefs()).toEqual([
        'component:default/a',
        'component:default/b',
        'component:default/x',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'recognises a body replayed under a new delivery id, on %p',
    async id => {
      const store = await createStore(id);
      const runs = [newRun({ entityRef: 'component:default/a' })];
      expect(
        (
          await store.ingestDelivery({
            deliveryId: 'd-1',
            source: 'webhook',
            bodyHash: 'h'.repeat(64),
            runs,
          })
        ).duplicate,
      ).toBe(false);
      expect(
        await store.ingestDelivery({
          deliveryId: 'd-2',
          source: 'events',
          bodyHash: 'h'.repeat(64),
          runs,
        }),
      ).toEqual({ duplicate: true, replayOf: 'd-1' });
      // deliveries without a hash (older rows, other sources) never collide
      expect(
        (
          await store.ingestDelivery({
            deliveryId: 'd-3',
            source: 'webhook',
            runs: [],
          })
        ).duplicate,
      ).toBe(false);
      expect(
        (
          await store.ingestDelivery({
            deliveryId: 'd-4',
            source: 'webhook',
            runs: [],
          })
        ).duplicate,
      ).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores nothing of a delivery whose transaction fails, so the redelivery starts the runs, on %p',
    async id => {
      const { knex, store } = await createStoreAndDb(id);
      // The database refuses the second run (no branch, a NOT NULL column): the whole transaction fails.
      const broken = newRun({
        entityRef: 'component:default/b',
        branch: null as unknown as string,
      });
      const runs = [newRun({ entityRef: 'component:default/a' })];
      // (The driver's errors are caught by hand: they may come from another realm than jest's Error.)
      const failure = await store
        .ingestDelivery({
          deliveryId: 'd-9',
          source: 'webhook',
          runs: [...runs, broken],
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(failure).toBeDefined();
      expect(
        await knex('gort_deliveries').where('delivery_id', 'd-9').first(),
      ).toBeUndefined();
      expect((await store.listRuns({ limit: 10 })).items).toEqual([]);
      const redelivered = await store.ingestDelivery({
        deliveryId: 'd-9',
        source: 'webhook',
        runs,
      });
      expect(
        redelivered.duplicate === false && redelivered.runs[0].created,
      ).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a run without a valid timeout, and stores nothing of it, on %p',
    async id => {
      const store = await createStore(id);
      for (const timeoutMs of [NaN, 0, -1, Infinity]) {
        const refused = await store.createRun(newRun({ timeoutMs })).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(String(refused)).toContain(
          `has no valid timeout: ${timeoutMs} ms`,
        );
      }
      expect((await store.listRuns({ limit: 10 })).items).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads a run for its check with the number of entities its commit has runs for, on %p',
    async id => {
      const store = await createStore(id);
      const first = await store.createRun(
        newRun({ entityRef: 'component:default/a' }),
      );
      await store.createRun(newRun({ entityRef: 'component:default/b' }));
      // a second run of b for the same commit counts once; the same commit in another repository not at all
      await store.createRun(
        newRun({ entityRef: 'component:default/b', sha: sha('c') }),
      );
      await store.createRun(
        newRun({ entityRef: 'component:default/b', trigger: 'manual' }),
      );
      await store.createRun(
        newRun({ entityRef: 'component:default/c', repo: 'acme/other' }),
      );
      await store.createRun(
        newRun({ entityRef: 'component:default/d', repo: 'ACME/gitops' }),
      );
      const found = await store.getRunForCheck(first.runId);
      expect(found).toMatchObject({
        run: {
          id: first.runId,
          entityRef: 'component:default/a',
          state: 'queued',
          timeline: [],
        },
        commitEntities: 3,
      });
      expect(await store.getRunForCheck('nope')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'reads the runs of a burst of checks in one query, each answered with its own run, on %p',
    async id => {
      const { knex, store } = await createStoreAndDb(id);
      const a = await store.createRun(newRun({ entityRef: 'component:default/a' }));
      const b = await store.createRun(
        newRun({ entityRef: 'component:default/b', sha: sha('c') }),
      );
      const statements: string[] = [];
      knex.on('query', (query: { sql: string }) => statements.push(query.sql));
      const found = await Promise.all(
        [a.runId, 'nope', b.runId, a.runId].map(runId =>
          store.getRunForCheck(runId),
        ),
      );
      expect(statements).toHaveLength(1);
      expect(found.map(f => f?.run.entityRef)).toEqual([
        'component:default/a',
        undefined,
        'component:default/b',
        'component:default/a',
      ]);
      expect(found.map(f => f?.commitEntities)).toEqual([1, undefined, 1, 1]);
    },
  );

  it.each(databases.eachSupportedId())(
    'never lets an older commit supersede the run pushed on top of it, unless that push was forced, on %p',
    async id => {
      const store = await createStore(id);
      const newer = await store.createRun(
        newRun({ sha: sha('b'), beforeSha: sha('a') }),
      );
      // The delivery of the push of a arrives late.
      const late = await store.createRun(
        newRun({ sha: sha('a'), beforeSha: sha('9') }),
      );
      expect(late).toMatchObject({
        created: false,
        reason: 'older-commit',
        runId: newer.runId,
      });
      expect((await store.getRun(newer.runId))!.state).toBe('queued');
      // After a force push, `before` is no parent: the next push supersedes as usual.
      const forced = await store.createRun(
        newRun({ sha: sha('c'), beforeSha: sha('d'), forced: true }),
      );
      expect(forced).toMatchObject({
        created: true,
        superseded: [newer.runId],
      });
      const afterForced = await store.createRun(
        newRun({ sha: sha('d'), beforeSha: sha('e') }),
      );
      expect(afterForced).toMatchObject({
        created: true,
        superseded: [forced.runId],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'stores deliveries that arrive together for one entity as if one after another, each with its runs, on %p',
    async id => {
      const { knex, store } = await createStoreAndDb(id);
      const shas = Array.from({ length: 30 }, (_, i) =>
        String(i).padStart(40, 'e'),
      );
      const deliver = (i: number, deliveryId = `d-${i}`) =>
        store.ingestDelivery({
          deliveryId,
          source: 'webhook',
          bodyHash: shas[i].padEnd(64, '0'),
          runs: [newRun({ sha: shas[i], deliveryId })],
        });
      // the burst queues behind the first transaction; a redelivery (d-3 again) sits among them
      const results = await Promise.all([
        ...shas.map((_, i) => deliver(i)),
        deliver(3),
      ]);
      const accepted = results.filter(r => !r.duplicate);
      expect(accepted).toHaveLength(30);
      expect(results.filter(r => r.duplicate)).toHaveLength(1);
      const created = accepted.flatMap(r => (r.duplicate ? [] : r.runs));
      expect(created.every(r => r.created)).toBe(true);

      const rows = await knex('gort_runs')
        .orderBy('seq')
        .select('id', 'sha', 'state', 'superseded_by');
      expect(rows).toHaveLength(30);
      expect(
        rows.filter(r =>
          ['queued', 'waiting_for_source', 'reconciling'].includes(r.state),
        ),
      ).toHaveLength(1);
      // every run but the last stored is superseded by the one stored after it
      for (let i = 0; i < rows.length - 1; i++) {
        expect(rows[i]).toMatchObject({
          state: 'superseded',
          superseded_by: rows[i + 1].id,
        });
      }
      // each superseded run says so in its timeline, after "queued", and was reported to the delivery that superseded it
      const supersededIds = new Set(created.flatMap(r => r.superseded));
      expect(supersededIds).toEqual(new Set(rows.slice(0, -1).map(r => r.id)));
      const timeline = (await store.getRun(rows[0].id))?.timeline.map(
        e => e.state,
      );
      expect(timeline).toEqual(['queued', 'superseded']);
      // one delivery row each, with its own run
      const deliveries = await knex('gort_deliveries').select(
        'delivery_id',
        'run_ids',
      );
      expect(deliveries).toHaveLength(30);
      const runOfDelivery = new Map(
        deliveries.map(d => [d.delivery_id, JSON.parse(d.run_ids)]),
      );
      accepted.forEach((result, i) =>
        expect(runOfDelivery.get(`d-${i}`)).toEqual(
          result.duplicate ? [] : [result.runs[0].runId],
        ),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps one waiting run per entity in the database itself, and concurrent creations all succeed, on %p',
    async id => {
      const { knex, store } = await createStoreAndDb(id);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.createRun(
            newRun({
              sha: (i % 2 ? 'c' : 'd') + String(i).padStart(39, '0'),
              trigger: i % 3 ? 'push' : 'manual',
            }),
          ),
        ),
      );
      expect(results.every(r => r.created)).toBe(true);
      const waiting = await knex('gort_runs')
        .whereIn('state', ['queued', 'waiting_for_source', 'reconciling'])
        .select('id');
      expect(waiting).toHaveLength(1);
      expect(
        Number(
          (
            await knex('gort_runs')
              .where('state', 'superseded')
              .count({ n: '*' })
              .first()
          )?.n,
        ),
      ).toBe(19);
      // Whatever the code does, the index refuses a second waiting run.
      const now = new Date();
      const refused = await knex('gort_runs')
        .insert({
          id: 'x',
          entity_ref: 'component:default/podinfo',
          objects: '[]',
          repo: 'r',
          branch: 'main',
          sha: sha('f'),
          trigger: 'push',
          state: 'reconciling',
          created_at: now,
          updated_at: now,
          deadline_at: now,
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(String((refused as Error)?.message)).toMatch(/unique/i);
    },
  );

  it.each(databases.eachSupportedId())(
    'creates a run once per entity and commit, and a newer push supersedes waiting runs, on %p',
    async id => {
      const store = await createStore(id);
      const first = await store.createRun(newRun());
      expect(first).toEqual({
        runId: expect.any(String),
        entityRef: 'component:default/podinfo',
        created: true,
        superseded: [],
        createdAt: expect.any(String),
      });
      expect(await store.createRun(newRun({ deliveryId: 'd-2' }))).toEqual({
        runId: first.runId,
        entityRef: 'component:default/podinfo',
        created: false,
        reason: 'same-commit',
        superseded: [],
        createdAt: first.createdAt,
      });
      const other = await store.createRun(
        newRun({ entityRef: 'component:default/other' }),
      );
      expect(other.created).toBe(true);

      const second = await store.createRun(
        newRun({ sha: sha('b'), deliveryId: 'd-3' }),
      );
      expect(second.superseded).toEqual([first.runId]);

      const superseded = await store.getRun(first.runId);
      expect(superseded).toMatchObject({
        state: 'superseded',
        outcome: 'superseded',
        supersededBy: second.runId,
        finishedAt: expect.any(String),
      });
      expect(superseded!.timeline.map(e => e.state)).toEqual([
        'queued',
        'superseded',
      ]);
      expect((await store.getRun(other.runId))!.state).toBe('queued');
      expect(await store.getRun('nope')).toBeUndefined();
    },
  );

  /** Counts the transactions `knex` begins while `work` runs. */
  async function transactionsDuring<T>(
    knex: Awaited<ReturnType<typeof createStoreAndDb>>['knex'],
    work: () => Promise<T>,
  ) {
    let begun = 0;
    const onQuery = (q: { sql: string }) => {
      if (/^begin/i.test(q.sql.trim())) begun++;
    };
    knex.on('query', onQuery);
    try {
      return { result: await work(), transactions: () => begun };
    } finally {
      knex.removeListener('query', onQuery);
    }
  }

  it.each(databases.eachSupportedId())(
    'stores concurrent deliveries for different entities in one transaction, each with its own result, on %p',
    async id => {
      const { knex, store } = await createStoreAndDb(id);
      const deliver = (i: number, runs: NewRun[]) =>
        store.ingestDelivery({
          deliveryId: `d-${i}`,
          source: 'webhook',
          bodyHash: String(i).padStart(64, 'f'),
          runs,
        });
      const { result, transactions } = await transactionsDuring(knex, () =>
        Promise.all([
          // the first goes at once; the others arrive while it is in flight and share the next transaction
          deliver(0, [
            newRun({ entityRef: 'component:default/first', deliveryId: 'd-0' }),
          ]),
          ...Array.from({ length: 20 }, (_, i) =>
            deliver(i + 1, [
              newRun({
                entityRef: `component:default/app-${i}`,
                sha: sha('b'),
                deliveryId: `d-${i + 1}`,
              }),
              newRun({
                entityRef: `component:default/app-${i}-twin`,
                sha: sha('b'),
                deliveryId: `d-${i + 1}`,
              }),
            ]),
          ),
          deliver(21, []),
        ]),
      );
      expect(transactions()).toBe(2);
      expect(result.every(r => !r.duplicate)).toBe(true);
      const runIds = result.map(r =>
        r.duplicate
          ? []
          : r.runs.filter(run => run.created).map(run => run.runId),
      );
      expect(runIds.map(ids => ids.length)).toEqual([
        1,
        ...Array(20).fill(2),
        0,
      ]);
      const rows = await knex('gort_runs').select(
        'id',
        'entity_ref',
        'delivery_id',
      );
      expect(rows).toHaveLength(41);
      for (const row of rows)
        expect(runIds[Number(String(row.delivery_id).slice(2))]).toContain(
          row.id,
        );
      const deliveries = await knex('gort_deliveries').select(
        'delivery_id',
        'run_ids',
        'result',
      );
      expect(deliveries).toHaveLength(22);
      const byId = new Map(deliveries.map(d => [d.delivery_id, d]));
      result.forEach((_, i) =>
        expect(JSON.parse(byId.get(`d-${i}`)!.run_ids)).toEqual(runIds[i]),
      );
      expect(byId.get('d-21')!.result).toBe('ignored');
    },
  );

  it.each(databases.eachSupportedId())(
    'fails only the bad delivery of a batch: the others are stored with their runs, the bad one not at all, on %p',
    async id => {
      const { knex, store } = await createStoreAndDb(id);
      const good = (i: number) =>
        store.ingestDelivery({
          deliveryId: `d-${i}`,
          source: 'webhook',
          runs: [
            newRun({
              entityRef: `component:default/app-${i}`,
              deliveryId: `d-${i}`,
            }),
          ],
        });
      // The database refuses the run with no branch (a NOT NULL column).
      const broken = store.ingestDelivery({
        deliveryId: 'd-bad',
        source: 'webhook',
        runs: [
          newRun({ entityRef: 'component:default/fine' }),
          newRun({
            entityRef: 'component:default/broken',
            branch: null as unknown as string,
          }),
        ],
      });
      const [first, a, bad, b] = await Promise.all([
        good(0),
        good(1),
        broken.then(
          () => undefined,
          (e: unknown) => e,
        ),
        good(2),
      ]);
      expect(bad).toBeDefined();
      for (const result of [first, a, b])
        expect(result.duplicate === false && result.runs[0].created).toBe(true);
      expect(
        (await knex('gort_deliveries').select('delivery_id'))
          .map(d => d.delivery_id)
          .sort(),
      ).toEqual(['d-0', 'd-1', 'd-2']);
      expect(
        (await knex('gort_runs').select('entity_ref'))
          .map(r => r.entity_ref)
          .sort(),
      ).toEqual([
        'component:default/app-0',
        'component:default/app-1',
        'component:default/app-2',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers duplicates inside a batch and against stored deliveries, and stores a push delivered twice once, on %p',
    async id => {
      const { knex, store } = await createStoreAndDb(id);
      const push = (
        deliveryId: string,
        bodyHash: string | undefined,
        entity: string,
        commit = sha('c'),
      ) =>
        store.ingestDelivery({
          deliveryId,
          source: 'webhook',
          bodyHash,
          runs: [
            newRun({
              entityRef: `component:default/${entity}`,
              sha: commit,
              deliveryId,
            }),
          ],
        });
      await push('stored', 'h-stored'.padEnd(64, '0'), 'old');
      const results = await Promise.all([
        push('opener', undefined, 'opener'),
        // the same delivery id twice in one burst
        push('twice', 'h-twice'.padEnd(64, '0'), 'x'),
        push('twice', 'h-twice'.padEnd(64, '0'), 'x'),
        // a redelivery of a stored delivery, and its body under a new id
        push('stored', 'h-stored'.padEnd(64, '0'), 'old'),
        push('stored-replay', 'h-stored'.padEnd(64, '0'), 'old'),
        // one push through the webhook and the events system: the same body under two ids
        push('webhook-1', 'h-push'.padEnd(64, '0'), 'y'),
        push('events-1', 'h-push'.padEnd(64, '0'), 'y'),
        // the same commit in two bodies (no hash): one run, the other finds it
        push('no-hash-1', undefined, 'z', sha('d')),
        push('no-hash-2', undefined, 'z', sha('d')),
      ]);
      const [
        opener,
        twice1,
        twice2,
        redelivery,
        storedReplay,
        webhook,
        events,
        noHash1,
        noHash2,
      ] = results;
      expect(opener.duplicate).toBe(false);
      expect([twice1, twice2].filter(r => r.duplicate)).toEqual([
        { duplicate: true },
      ]);
      expect(redelivery).toEqual({ duplicate: true });
      expect(storedReplay).toEqual({ duplicate: true, replayOf: 'stored' });
      expect(webhook.duplicate).toBe(false);
      expect(events).toEqual({ duplicate: true, replayOf: 'webhook-1' });
      expect(noHash1.duplicate === false && noHash1.runs[0].created).toBe(true);
      expect(noHash2.duplicate === false && noHash2.runs[0]).toMatchObject({
        created: false,
        reason: 'same-commit',
      });
      const perEntity = await knex('gort_runs')
        .groupBy('entity_ref')
        .select('entity_ref')
        .count({ n: '*' });
      expect(
        Object.fromEntries(
          (perEntity as Array<{ entity_ref: string; n: number | string }>).map(
            r => [String(r.entity_ref).split('/')[1], Number(r.n)],
          ),
        ),
      ).toEqual({ old: 1, opener: 1, x: 1, y: 1, z: 1 });
    },
  );

  it.each(databases.eachSupportedId())(
    'gives each run to one replica, and to another when the lease expires, on %p',
    async id => {
      let now = new Date('2026-11-23T10:00:00Z');
      const store = await createStore(id, () => now);
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        ids.push(
          (
            await store.createRun(
              newRun({ entityRef: `component:default/s${i}` }),
            )
          ).runId,
        );
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
      expect(await store.renewLeases('replica-a', aIds, 30_000)).toEqual(
        expect.arrayContaining(aIds),
      );
      now = new Date(now.getTime() + 20_000);
      // b's leases expired (40 s > 30 s); a's were renewed.
      const taken = await store.claimRuns('replica-c', 30_000, 20);
      expect(taken.map(r => r.id).sort()).toEqual(b.map(r => r.id).sort());
      // replica-a may have claimed all ten runs
      if (b.length > 0) {
        /* eslint-disable jest/no-conditional-expect */
        expect(
          await store.transition(b[0].id, 'replica-b', {
            state: 'reconciling',
            message: 'late',
          }),
        ).toBe(false);
        expect(
          await store.transition(b[0].id, 'replica-c', {
            state: 'reconciling',
            message: 'ok',
          }),
        ).toBe(true);
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
      expect(
        await store.recordVerdicts(runId, 'me', [
          {
            object: 'Kustomization/flux-system/podinfo',
            state: 'reconciling',
            detail: 'Progressing',
            at: new Date().toISOString(),
          },
        ]),
      ).toBe(true);
      expect(
        await store.transition(runId, 'me', {
          state: 'failed',
          message: 'Ready=False (HealthCheckFailed)',
          outcome: 'failed',
          failure: {
            object: 'Kustomization/flux-system/podinfo',
            reason: 'HealthCheckFailed',
            message: 'timeout',
          },
        }),
      ).toBe(true);
      expect(
        await store.transition(runId, 'me', {
          state: 'done',
          message: 'Diagnosed as image-pull',
          category: 'image-pull',
          evidence: [
            { source: 'Pod/podinfo/p-1', message: 'ImagePullBackOff' },
          ],
        }),
      ).toBe(true);
      expect(
        await store.transition(runId, 'me', {
          state: 'reconciling',
          message: 'too late',
        }),
      ).toBe(false);

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
      expect(run!.timeline.map(e => e.state)).toEqual([
        'queued',
        'failed',
        'done',
      ]);
      expect(await store.claimRuns('me', 30_000, 5)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages through runs with a cursor and filters, on %p',
    async id => {
      const store = await createStore(id);
      for (let i = 0; i < 5; i++) {
        await store.createRun(
          newRun({
            sha: sha(String(i)),
            entityRef:
              i % 2 ? 'component:default/odd' : 'component:default/even',
          }),
        );
      }
      const first = await store.listRuns({ limit: 2 });
      expect(first.items.map(r => r.sha[0])).toEqual(['4', '3']);
      const second = await store.listRuns({
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(second.items.map(r => r.sha[0])).toEqual(['2', '1']);
      const third = await store.listRuns({
        limit: 2,
        cursor: second.nextCursor,
      });
      expect(third.items.map(r => r.sha[0])).toEqual(['0']);
      expect(third.nextCursor).toBeUndefined();
      const even = await store.listRuns({
        limit: 10,
        entityRef: 'component:default/even',
      });
      // each newer push supersedes the entity's older waiting runs
      expect(even.items.map(r => r.state)).toEqual([
        'queued',
        'superseded',
        'superseded',
      ]);
      expect(await store.countActive()).toEqual({ queued: 2 });
      const latest = await store.latestRunPerEntity();
      expect([...latest.keys()].sort()).toEqual([
        'component:default/even',
        'component:default/odd',
      ]);
      expect(latest.get('component:default/even')!.sha[0]).toBe('4');
      expect(latest.get('component:default/odd')!.sha[0]).toBe('3');
      expect(
        (await store.listRuns({ limit: 10, state: 'superseded' })).items,
      ).toHaveLength(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'says which delivery ids it stored, on %p',
    async id => {
      const store = await createStore(id);
      await store.ingestDelivery({
        deliveryId: 'stored-1',
        source: 'webhook',
        runs: [newRun()],
      });
      await store.ingestDelivery({
        deliveryId: 'stored-2',
        source: 'webhook',
        runs: [],
      });
      expect(
        [
          ...(await store.knownDeliveryIds([
            'stored-1',
            'stored-2',
            'lost',
            'stored-1',
          ])),
        ].sort(),
      ).toEqual(['stored-1', 'stored-2']);
      expect(await store.knownDeliveryIds([])).toEqual(new Set());
    },
  );

  it.each(databases.eachSupportedId())(
    'orders a push against the previous run, and ends nothing once a newer push superseded the run, on %p',
    async id => {
      const store = await createStore(id);
      const tip = await store.createRun(
        newRun({ sha: sha('b'), beforeSha: sha('a') }),
      );
      const older = await store.createRun(
        newRun({ sha: sha('c'), beforeSha: sha('9'), forced: true }),
      );
      expect(await store.pushOrderContext(older.runId)).toEqual({
        run: {
          id: older.runId,
          sha: sha('c'),
          beforeSha: sha('9'),
          forced: true,
          trigger: 'push',
          state: 'queued',
        },
        previous: {
          id: tip.runId,
          sha: sha('b'),
          beforeSha: sha('a'),
          forced: false,
          trigger: 'push',
          state: 'superseded',
          supersededBy: older.runId,
        },
      });
      const [claimed] = await store.claimRuns('me', 30_000, 1);
      expect(claimed.id).toBe(older.runId);
      // Another push arrives meanwhile and supersedes it: nothing to end, nothing restored.
      const third = await store.createRun(
        newRun({ sha: sha('d'), beforeSha: sha('c') }),
      );
      expect(
        await store.endAsOlderCommit(older.runId, 'me', {
          newerRunId: tip.runId,
          message: 'older',
          restoredMessage: 'back',
        }),
      ).toEqual({ ended: false, restored: false });
      // The previous run of the third is the second (which it superseded), not the first (superseded by another).
      expect((await store.pushOrderContext(third.runId))!.previous!.id).toBe(
        older.runId,
      );
      expect(await store.getRun(tip.runId)).toMatchObject({
        state: 'superseded',
      });
    },
  );
});
