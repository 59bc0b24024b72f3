import { createTestDatabases } from '../__testUtils__/testDatabases';
import { migrationsDir } from '../database/migrations';
import { FixPrStore } from './FixPrStore';

jest.setTimeout(60_000);

describe('FixPrStore', () => {
  const databases = createTestDatabases();

  const record = (number: number, overrides: Partial<Parameters<FixPrStore['insert']>[0]> = {}) => ({
    fingerprint: 'fp-image-pull',
    entityRef: 'component:default/podinfo',
    repo: 'acme/podinfo-gitops',
    number,
    url: `http://github/acme/podinfo-gitops/pull/${number}`,
    branch: `gort/fix/podinfo/${number}`,
    state: 'open' as const,
    afterMerge: false,
    runIds: ['run-1'],
    sha: 'a'.repeat(40),
    ...overrides,
  });

  it.each(databases.eachSupportedId())(
    'finds the PR of a failure, records updates and state, and counts PRs after a merge, on %p',
    async databaseId => {
      const db = await databases.init(databaseId);
      await db.migrate.latest({ directory: migrationsDir });
      const store = new FixPrStore(db);
      expect(await store.latestFor('fp-image-pull')).toBeUndefined();

      await store.insert(record(1));
      const first = (await store.latestFor('fp-image-pull'))!;
      expect(first).toMatchObject({ number: 1, state: 'open', afterMerge: false, runIds: ['run-1'] });

      expect(first.headSha).toBeUndefined();
      await store.recordUpdate(first.id, 'run-2', 'b'.repeat(40), 'c'.repeat(40));
      await store.recordUpdate(first.id, 'run-2', 'b'.repeat(40));
      expect(await store.findByNumber('acme/podinfo-gitops', 1)).toMatchObject({ runIds: ['run-1', 'run-2'], sha: 'b'.repeat(40), headSha: 'c'.repeat(40) });

      await store.setState(first.id, 'merged');
      expect(await store.listOpen()).toEqual([]);
      await store.insert(record(2, { afterMerge: true }));
      expect(await store.countAfterMerge('fp-image-pull')).toBe(1);
      expect((await store.latestFor('fp-image-pull'))!.number).toBe(2);
      expect((await store.listOpen()).map(r => r.number)).toEqual([2]);
    },
  );
});
