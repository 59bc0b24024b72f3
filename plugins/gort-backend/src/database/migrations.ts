import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@gort-backstage/plugin-gort-backend',
  'migrations',
);

/**
 * On a SQLite file, write-ahead logging: a commit is one fsync of the log
 * instead of the rollback journal's several, and readers no longer wait for
 * a writer. `synchronous` stays FULL (the default), so every commit is on
 * disk before it returns, as in the rollback mode: an acknowledged delivery
 * survives a crash or a power loss.
 */
export async function useWriteAheadLogOnSqlite(client: Knex): Promise<void> {
  if (!String(client.client.config.client).includes('sqlite')) return;
  await client.raw('PRAGMA journal_mode = WAL');
  await client.raw('PRAGMA synchronous = FULL');
}

/** Runs the package's migrations unless the operator manages them. */
export async function applyDatabaseMigrations(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  await useWriteAheadLogOnSqlite(client);
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}

export { migrationsDir };
