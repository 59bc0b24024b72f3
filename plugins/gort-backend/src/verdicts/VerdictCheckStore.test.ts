import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { migrationsDir } from '../database/migrations';
import { CHECKS_OFF, DatabaseVerdictCheckStore, NEVER_POSTED } from './VerdictCheckStore';

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

  it.each(databases.eachSupportedId())('releases a claim that has no check yet, and only such a claim, on %p', async id => {
    const { store } = await createStore(id);
    const made = { ...record, runId: 'made' };
    await Promise.all([store.claim(record), store.claim(made)]);
    await store.setCheckRunId(made, 7);
    await Promise.all([store.release(record), store.release(made)]);
    expect(await store.get(record)).toBeUndefined();
    expect(await store.get(made)).toMatchObject({ checkRunId: 7 });
    // the next claim of the released key is a creation again
    expect(await store.claim(record)).toMatchObject({ created: true });
  });

  it.each(databases.eachSupportedId())('prunes rows not touched since a date, on %p', async id => {
    const { store } = await createStore(id);
    await store.claim(record);
    expect(await store.prune(new Date(Date.now() - 60_000))).toBe(0);
    expect(await store.prune(new Date(Date.now() + 60_000))).toBe(1);
    expect(await store.get(record)).toBeUndefined();
  });

  it.each(databases.eachSupportedId())('finds the finished runs of a window whose verdict no check shows, newest first, on %p', async id => {
    const { knex } = await createStore(id);
    let now = new Date('2026-12-04T10:00:00Z');
    const clock = () => now;
    const runs = new DatabaseRunStore(knex, clock);
    const store = new DatabaseVerdictCheckStore(knex, clock);
    const sha = (c: string) => c.repeat(40);
    const start = async (name: string, commit = 'a') =>
      (await runs.createRun({ entityRef: `component:default/${name}`, objects: [{ kind: 'Kustomization', namespace: 'flux-system', name }], repo: 'acme/gitops', branch: 'main', sha: sha(commit), trigger: 'push', timeoutMs: 600_000 })).runId;
    const finish = async (runId: string) => {
      await runs.claimRuns('replica', 30_000, 100);
      expect(await runs.transition(runId, 'replica', { state: 'done', outcome: 'succeeded', message: 'Applied' })).toBe(true);
    };
    const check = (runId: string, lastPosted?: string, commit = 'a') => ({ runId, cluster: '', repo: 'acme/gitops', sha: sha(commit), name: 'gort/x', channel: 'check-run' as const, ...(lastPosted ? { lastPosted } : {}) });
    const later = () => {
      now = new Date(now.getTime() + 1000);
    };

    const early = await start('early');
    await finish(early); // before the window
    later();
    const unposted = await start('unposted');
    await finish(unposted);
    later();
    const shown = await start('shown');
    await finish(shown);
    await store.claim(check(shown, 'completed|success|Applied and healthy'));
    later();
    const inProgress = await start('in-progress');
    await store.claim(check(inProgress, 'in_progress||Waiting for Flux'));
    await finish(inProgress);
    later();
    const claimedOnly = await start('claimed-only');
    await store.claim(check(claimedOnly));
    await finish(claimedOnly);
    later();
    // superseded: closed only when it had a check
    const quiet = await start('superseded');
    const open = await start('superseded-open');
    const never = await start('superseded-never');
    await store.claim(check(open, 'queued||Queued'));
    await store.claim(check(never, NEVER_POSTED));
    later();
    for (const name of ['superseded', 'superseded-open', 'superseded-never']) await finish(await start(name, 'b'));
    later();
    const off = await start('checks-off');
    await finish(off);
    await store.claim(check(off, CHECKS_OFF));
    const aggregated = await start('aggregated', 'c');
    await finish(aggregated);
    await store.claim(check(`commit:acme/gitops@${sha('c')}`, 'completed|success|All applied', 'c'));
    const active = await start('still-active', 'd');
    later();
    const stillOpen = await start('late');
    await finish(stillOpen); // after the window

    const window = { after: new Date('2026-12-04T10:00:00.500Z'), before: new Date(now.getTime() - 500), limit: 100 };
    const found = await store.finishedRunsNotShown(window);
    const supersededIds = (await runs.listRuns({ limit: 100, sha: sha('b') })).items.map(r => r.id);
    expect(found).not.toContain(early);
    expect(found).not.toContain(stillOpen);
    expect(found).not.toContain(active);
    expect(new Set(found)).toEqual(new Set([unposted, inProgress, claimedOnly, open, ...supersededIds]));
    expect(found.indexOf(unposted)).toBeGreaterThan(found.indexOf(inProgress));
    expect(found).not.toContain(quiet);
    expect(found).not.toContain(never);
    expect(await store.finishedRunsNotShown({ ...window, limit: 2 })).toHaveLength(2);
  });
});
