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

  it.each(databases.eachSupportedId())('prunes rows not touched since a date, on %p', async id => {
    const { store } = await createStore(id);
    await store.claim(record);
    expect(await store.prune(new Date(Date.now() - 60_000))).toBe(0);
    expect(await store.prune(new Date(Date.now() + 60_000))).toBe(1);
    expect(await store.get(record)).toBeUndefined();
  });
});
