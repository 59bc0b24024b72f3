import { createTestDatabases } from '../__testUtils__/testDatabases';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { migrationsDir, useWriteAheadLogOnSqlite } from './migrations';

jest.setTimeout(60_000);

describe('migrations', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('go up, all the way down and up again, on %p', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    expect(await knex.schema.hasColumn('gort_runs', 'forced')).toBe(true);
    await knex.migrate.rollback({ directory: migrationsDir }, true);
    expect(await knex.schema.hasTable('gort_runs')).toBe(false);
    expect(await knex.schema.hasTable('gort_watchers')).toBe(false);
    await knex.migrate.latest({ directory: migrationsDir });
    expect(await knex.schema.hasTable('gort_runs')).toBe(true);
  });

  it.each(databases.eachSupportedId())('supersede older duplicate waiting runs before adding the one-waiting-run index, on %p', async id => {
    const knex = await databases.init(id);
    const all = (await knex.migrate.list({ directory: migrationsDir }))[1] as Array<{ file: string }>;
    const before = all.findIndex(m => m.file.includes('durable_runs'));
    for (let i = 0; i < before; i++) await knex.migrate.up({ directory: migrationsDir });
    const now = new Date();
    const row = (seq: number, runId: string) => ({ seq, id: runId, entity_ref: 'component:default/a', objects: '[]', repo: 'r', branch: 'main', sha: runId.repeat(40).slice(0, 40), trigger: 'push', state: 'queued', created_at: now, updated_at: now, deadline_at: now });
    await knex('gort_runs').insert([row(1, 'a'), row(2, 'b')]);
    await knex.migrate.latest({ directory: migrationsDir });
    const rows = await knex('gort_runs').orderBy('seq').select('id', 'state', 'superseded_by');
    expect(rows).toEqual([
      { id: 'a', state: 'superseded', superseded_by: 'b' },
      { id: 'b', state: 'queued', superseded_by: null },
    ]);
  });

  it('puts a SQLite file in write-ahead-log mode with full syncs, and leaves PostgreSQL alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gort-wal-'));
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'gort.sqlite') }, useNullAsDefault: true });
    try {
      await useWriteAheadLogOnSqlite(knex);
      expect(await knex.raw('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await knex.raw('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
    } finally {
      await knex.destroy();
      await rm(dir, { recursive: true, force: true });
    }
    const raw = jest.fn();
    await useWriteAheadLogOnSqlite({ client: { config: { client: 'pg' } }, raw } as any);
    expect(raw).not.toHaveBeenCalled();
  });
});
