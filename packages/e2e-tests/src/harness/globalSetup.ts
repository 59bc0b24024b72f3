import {
  choosePostgres,
  PG_ENV,
  PG_SKIP_REASON_ENV,
  printable,
  REQUIRE_PG_ENV,
} from './postgres';

/**
 * Jest global setup of the e2e package: picks the PostgreSQL of the
 * PostgreSQL suites once, prints it, and hands it to the test files through
 * the environment (they read it synchronously, see describeWithPostgres).
 */
export default async function globalSetup(): Promise<void> {
  const choice = await choosePostgres();
  if (choice.kind === 'available') {
    process.env[PG_ENV] = choice.connectionString;
    delete process.env[PG_SKIP_REASON_ENV];
    const from =
      choice.source === 'env' ? `from ${PG_ENV}` : 'found on 127.0.0.1:5432';
    process.stdout.write(
      `\n[e2e] PostgreSQL ${choice.serverVersion} at ${printable(
        choice.connectionString,
      )} (${from}); test databases are prefixed gort_e2e_ and dropped afterwards\n`,
    );
    return;
  }
  if (process.env[REQUIRE_PG_ENV] === '1') {
    throw new Error(
      `[e2e] ${REQUIRE_PG_ENV}=1 but no PostgreSQL: ${choice.reason}`,
    );
  }
  process.env[PG_SKIP_REASON_ENV] = choice.reason;
  process.stdout.write(
    `\n[e2e] PostgreSQL suites will be skipped: ${choice.reason}\n`,
  );
}
