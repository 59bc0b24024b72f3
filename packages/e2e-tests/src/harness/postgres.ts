import knexFactory from 'knex';

/** The variable Backstage's TestDatabases and these suites read. */
export const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
/** Set (to 1) by CI: a missing PostgreSQL fails the run instead of skipping its tests. */
export const REQUIRE_PG_ENV = 'GORT_REQUIRE_POSTGRES';
/** Why the PostgreSQL suites are skipped; set by the global setup when none was found. */
export const PG_SKIP_REASON_ENV = 'GORT_E2E_POSTGRES_SKIP_REASON';
/** The local server tried when the variable is not set (as on the development machines and CI). */
export const LOCAL_POSTGRES = 'postgresql://postgres@127.0.0.1:5432';

export type PostgresChoice =
  | {
      kind: 'available';
      connectionString: string;
      source: 'env' | 'local';
      serverVersion: string;
    }
  | { kind: 'missing'; reason: string };

/** A connection string fit for printing: the password, if any, is masked. */
export function printable(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable connection string)';
  }
}

async function serverVersion(
  connectionString: string,
  timeoutMs: number,
): Promise<string> {
  const db = knexFactory({
    client: 'pg',
    connection: { connectionString, connectionTimeoutMillis: timeoutMs },
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: timeoutMs,
    // a refused probe is an answer here, not an error to log
    log: { warn() {}, error() {}, deprecate() {}, debug() {} },
  });
  try {
    const { rows } = await db.raw('SHOW server_version');
    return String(rows[0].server_version);
  } finally {
    await db.destroy();
  }
}

/**
 * Which PostgreSQL the PostgreSQL suites use: the one the variable names
 * (it must answer: it was asked for), else one answering on 127.0.0.1:5432,
 * else none, with the reason.
 */
export async function choosePostgres(
  env: NodeJS.ProcessEnv = process.env,
  probe: (connectionString: string) => Promise<string> = cs =>
    serverVersion(cs, 3000),
): Promise<PostgresChoice> {
  const configured = env[PG_ENV];
  if (configured) {
    try {
      return {
        kind: 'available',
        connectionString: configured,
        source: 'env',
        serverVersion: await probe(configured),
      };
    } catch (error) {
      throw new Error(
        `${PG_ENV} is set (${printable(
          configured,
        )}) but PostgreSQL does not answer there: ${error}`,
      );
    }
  }
  try {
    return {
      kind: 'available',
      connectionString: LOCAL_POSTGRES,
      source: 'local',
      serverVersion: await probe(LOCAL_POSTGRES),
    };
  } catch (error) {
    return {
      kind: 'missing',
      reason: `${PG_ENV} is not set and no PostgreSQL answers on 127.0.0.1:5432 (${
        String(error).split('\n')[0]
      })`,
    };
  }
}

/**
 * For test files: the skip reason when PostgreSQL is missing, else undefined.
 * Reads what the global setup decided, so it can be used synchronously to
 * choose between `describe` and `describe.skip`.
 */
export function postgresSkipReason(
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (env[PG_ENV]) return undefined;
  return (
    env[PG_SKIP_REASON_ENV] ??
    `${PG_ENV} is not set (run the suite with \`npm run e2e\`)`
  );
}

/**
 * `describe` for suites that need PostgreSQL: skipped, with the reason in
 * the title, when there is none. (Under CI the global setup has already
 * failed the run in that case.)
 */
export function describeWithPostgres(title: string, suite: () => void): void {
  const reason = postgresSkipReason();
  // A describe wrapper: the title and the suite come from its caller.
  /* eslint-disable jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests */
  if (reason) {
    describe.skip(`${title} [skipped: ${reason}]`, suite);
  } else {
    describe(title, suite);
  }
  /* eslint-enable jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests */
}
