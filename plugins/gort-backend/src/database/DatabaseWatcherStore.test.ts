import { createTestDatabases } from '../__testUtils__/testDatabases';
import { migrationsDir } from './migrations';
import { DatabaseWatcherStore } from './DatabaseWatcherStore';
import { WatcherInput } from './WatcherStore';

jest.setTimeout(60_000);

function watcher(
  name: string,
  overrides: Partial<WatcherInput> = {},
): WatcherInput {
  return {
    entityRef: `component:default/${name}`,
    objects: [{ kind: 'Kustomization', namespace: 'flux-system', name }],
    targetRepo: { owner: 'Acme', repo: 'GitOps' },
    fixRepo: { owner: 'Acme', repo: 'GitOps' },
    docsPaths: ['docs/plans/'],
    mode: 'fix-pr',
    problems: [],
    ...overrides,
  };
}

describe('DatabaseWatcherStore', () => {
  const databases = createTestDatabases();

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return { knex, store: new DatabaseWatcherStore(knex) };
  }

  it.each(databases.eachSupportedId())(
    'replaces the set and reports what changed, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      expect(await store.replaceAll([watcher('a'), watcher('b')])).toEqual({
        added: 2,
        updated: 0,
        removed: 0,
        unchanged: 0,
      });
      const firstA = await store.get('component:default/a');

      const result = await store.replaceAll([
        watcher('a'),
        watcher('c', { mode: 'diagnose-only' }),
        watcher('b', { branch: 'release' }),
      ]);
      expect(result).toEqual({ added: 1, updated: 1, removed: 0, unchanged: 1 });
      expect(await store.get('component:default/a')).toEqual(firstA);

      expect(await store.replaceAll([watcher('c', { mode: 'diagnose-only' })])).toEqual({
        added: 0,
        updated: 0,
        removed: 2,
        unchanged: 1,
      });
      const all = await store.list();
      expect(all.map(w => w.entityRef)).toEqual(['component:default/c']);
      expect(all[0]).toMatchObject({
        mode: 'diagnose-only',
        objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'c' }],
        docsPaths: ['docs/plans/'],
      });
      expect(Date.parse(all[0].updatedAt)).not.toBeNaN();
    },
  );

  it.each(databases.eachSupportedId())(
    'finds watchers by repository (any case) and branch, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.replaceAll([
        watcher('follows-default'),
        watcher('follows-release', { branch: 'release' }),
        watcher('other-repo', { targetRepo: { owner: 'acme', repo: 'other' } }),
        watcher('no-repo', { targetRepo: undefined, problems: [{ annotation: 'gort.io/target-repo', value: '', message: 'x' }] }),
      ]);
      const refs = async (branch: string, isDefault: boolean) =>
        (await store.findByPush({ owner: 'acme', repo: 'gitops' }, branch, isDefault)).map(
          w => w.entityRef,
        );
      expect(await refs('main', true)).toEqual(['component:default/follows-default']);
      expect(await refs('release', false)).toEqual(['component:default/follows-release']);
      expect(await refs('feature', false)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads the watchers of a pushed repository once per TTL, at once after its own sync, and another replica\'s after the TTL, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      let now = 1_000_000;
      const store = new DatabaseWatcherStore(knex, { pushIndexTtlMs: 5000, now: () => now });
      const otherReplica = new DatabaseWatcherStore(knex);
      await store.replaceAll([watcher('a')]);
      const refs = async () => (await store.findByPush({ owner: 'acme', repo: 'gitops' }, 'main', true)).map(w => w.entityRef);
      const queries: string[] = [];
      const onQuery = (q: { sql: string }) => queries.push(q.sql);
      knex.on('query', onQuery);
      expect(await refs()).toEqual(['component:default/a']);
      expect(await refs()).toEqual(['component:default/a']);
      expect(queries.filter(sql => sql.includes('gort_watchers'))).toHaveLength(1);
      // this process's sync is seen at once
      await store.replaceAll([watcher('a'), watcher('b')]);
      expect(await refs()).toEqual(['component:default/a', 'component:default/b']);
      // a sync that changes nothing keeps what pushes read
      const pushReads = () => queries.filter(sql => sql.includes('target_repo')).length;
      const readsBefore = pushReads();
      await store.replaceAll([watcher('a'), watcher('b')]);
      expect(await refs()).toEqual(['component:default/a', 'component:default/b']);
      expect(pushReads()).toBe(readsBefore);
      // another replica's after the TTL
      await otherReplica.replaceAll([watcher('b')]);
      now += 4000;
      expect(await refs()).toEqual(['component:default/a', 'component:default/b']);
      now += 1001;
      expect(await refs()).toEqual(['component:default/b']);
      knex.removeListener('query', onQuery);
    },
  );

  it.each(databases.eachSupportedId())(
    'handles a thousand watchers in one sync, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const many = Array.from({ length: 1000 }, (_, i) => watcher(`svc-${i}`));
      expect((await store.replaceAll(many)).added).toBe(1000);
      expect((await store.replaceAll(many.slice(0, 10))).removed).toBe(990);
      expect(await store.list()).toHaveLength(10);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates down cleanly, on %p',
    async databaseId => {
      const { knex } = await createStore(databaseId);
      expect(await knex.schema.hasTable('gort_watchers')).toBe(true);
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('gort_watchers')).toBe(false);
    },
  );
});
