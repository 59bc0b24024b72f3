import { createTestDatabases } from '../__testUtils__/testDatabases';
import { migrationsDir } from '../database/migrations';
import { DatabaseAiCache } from './AiCache';

jest.setTimeout(60_000);

describe('DatabaseAiCache', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'stores answers by key, replaces them, and expires them after the TTL, on %p',
    async databaseId => {
      const db = await databases.init(databaseId);
      await db.migrate.latest({ directory: migrationsDir });
      let now = new Date('2026-11-23T10:00:00Z');
      const cache = new DatabaseAiCache(db, 60_000, () => now);
      expect(await cache.get('k')).toBeUndefined();
      await cache.set('k', 'anthropic', 'claude', { value: { met: true }, usage: { input: 10, output: 2 } });
      await cache.set('k', 'anthropic', 'claude', { value: { met: false }, usage: { input: 11, output: 3 } });
      expect(await cache.get('k')).toEqual({ value: { met: false }, usage: { input: 11, output: 3 } });
      now = new Date('2026-11-23T10:02:00Z');
      expect(await cache.get('k')).toBeUndefined();
    },
  );
});
