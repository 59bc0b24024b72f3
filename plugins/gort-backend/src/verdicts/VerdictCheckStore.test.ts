import { createTestDatabases } from '../__testUtils__/testDatabases';
import { migrationsDir } from '../database/migrations';
import { DatabaseVerdictCheckStore } from './VerdictCheckStore';

jest.setTimeout(60_000);

const record = { runId: 'run-1', cluster: '', repo: 'acme/podinfo-gitops', sha: 'a'.repeat(40), name: 'gort/podinfo', channel: 'check-run' as const };

describe('DatabaseVerdictCheckStore', () => {
  const databases = createTestDatabases();

  async function createStore(id: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    return { knex, store: new DatabaseVerdictCheckStore(knex) };
  }

  it.each(databases.eachSupportedId())('lets one claim of a (run, cluster) win, also when two replicas claim at once, on %p', async id => {
    const { store } = await createStore(id);
    const claims = await Promise.all([store.claim(record), store.claim(record), store.claim({ ...record, cluster: 'prod' })]);
    expect(claims.map(c => c.created)).toEqual(expect.arrayContaining([true, false, true]));
    expect(claims.filter(c => c.record.cluster === '' && c.created)).toHaveLength(1);
    expect(claims[0].record).toEqual({ ...record, claimedAt: expect.any(Number) });
  });

  it.each(databases.eachSupportedId())('keeps the first check run id and what was last posted, on %p', async id => {
    const { store } = await createStore(id);
    await store.claim(record);
    expect(await store.setCheckRunId(record, 12345678901)).toBe(12345678901);
    expect(await store.setCheckRunId(record, 99)).toBe(12345678901);
    await store.markPosted(record, 'completed|success|Applied and healthy');
    expect(await store.get(record)).toEqual({ ...record, checkRunId: 12345678901, lastPosted: 'completed|success|Applied and healthy', claimedAt: expect.any(Number) });
    const again = await store.claim(record);
    expect(again).toMatchObject({ created: false, record: { checkRunId: 12345678901 } });
  });

  it.each(databases.eachSupportedId())('claims a burst in one insert and one read for the rows it found, on %p', async id => {
    const { knex, store } = await createStore(id);
    await store.claim({ ...record, runId: 'old' });
    const statements: string[] = [];
    knex.on('query', (query: { sql: string }) => statements.push(query.sql));
    const burst = Array.from({ length: 50 }, (_, i) => ({ ...record, runId: `run-${i}` }));
    const claims = await Promise.all([
      ...burst.map(r => store.claim(r)),
      store.claim({ ...record, runId: 'old' }),
      store.claim({ ...record, runId: 'run-0' }),
    ]);
    expect(statements).toHaveLength(2);
    expect(claims.map(c => c.created)).toEqual([...burst.map(() => true), false, false]);
    expect(claims.map(c => c.record.runId)).toEqual([...burst.map(r => r.runId), 'old', 'run-0']);
  });

  it.each(databases.eachSupportedId())('starts a new row with what was last posted when given, and keeps a found row as it is, on %p', async id => {
    const { store } = await createStore(id);
    const [fresh, found] = await Promise.all([
      store.claim({ ...record, lastPosted: 'never-posted|superseded' }),
      store.claim({ ...record, lastPosted: 'something else' }),
    ]);
    expect(fresh).toMatchObject({ created: true, record: { lastPosted: 'never-posted|superseded' } });
    expect(found).toMatchObject({ created: false, record: { lastPosted: 'never-posted|superseded' } });
  });

  it.each(databases.eachSupportedId())('prunes rows not touched since a date, on %p', async id => {
    const { store } = await createStore(id);
    await store.claim(record);
    expect(await store.prune(new Date(Date.now() - 60_000))).toBe(0);
    expect(await store.prune(new Date(Date.now() + 60_000))).toBe(1);
    expect(await store.get(record)).toBeUndefined();
  });
});
