import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * The databases GORT's stores are tested on: SQLite always, PostgreSQL 15
 * when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (CI sets
 * it). No Docker here, so other engines are not started in containers.
 */
export function createTestDatabases(): TestDatabases {
  return TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'], disableDocker: true });
}
