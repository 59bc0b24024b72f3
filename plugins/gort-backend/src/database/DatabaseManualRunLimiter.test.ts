import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseManualRunLimiter } from './DatabaseManualRunLimiter';
import { migrationsDir } from './migrations';

jest.setTimeout(60_000);

const PODINFO = 'component:default/podinfo';
const ADA = 'user:default/ada';

describe('DatabaseManualRunLimiter', () => {
  const databases = createTestDatabases();

  async function createKnex(id: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    return knex;
  }

  it.each(databases.eachSupportedId())('allows max requests per entity, user and window, on %p', async id => {
    const knex = await createKnex(id);
    let now = 60_000 * 20_000_000 + 10_000; // 10 s into a 60 s window
    const limiter = new DatabaseManualRunLimiter(knex, { max: 2, windowMs: 60_000 }, () => now);
    expect(await limiter.take(PODINFO, ADA)).toEqual({ allowed: true, remaining: 1 });
    expect(await limiter.take(PODINFO, ADA)).toEqual({ allowed: true, remaining: 0 });
    expect(await limiter.take(PODINFO, ADA)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    // another user, another entity: their own counters
    expect(await limiter.take(PODINFO, 'user:default/grace')).toMatchObject({ allowed: true });
    expect(await limiter.take('component:default/other', ADA)).toMatchObject({ allowed: true });
    now += 50_000;
    expect(await limiter.take(PODINFO, ADA)).toEqual({ allowed: true, remaining: 1 });
  });

  it.each(databases.eachSupportedId())('holds across replicas asking at the same time, on %p', async id => {
    const knex = await createKnex(id);
    const now = () => 2_000_000_000_000;
    // Two limiters on one database stand for two backend replicas.
    const replicas = [
      new DatabaseManualRunLimiter(knex, { max: 5, windowMs: 600_000 }, now),
      new DatabaseManualRunLimiter(knex, { max: 5, windowMs: 600_000 }, now),
    ];
    const decisions = await Promise.all(
      Array.from({ length: 12 }, (_, i) => replicas[i % 2].take(PODINFO, ADA)),
    );
    expect(decisions.filter(d => d.allowed)).toHaveLength(5);
  });

  it.each(databases.eachSupportedId())('forgets windows that are over, on %p', async id => {
    const knex = await createKnex(id);
    let now = 3_000_000_000_000;
    const limiter = new DatabaseManualRunLimiter(knex, { max: 1, windowMs: 1000 }, () => now);
    await limiter.take(PODINFO, ADA);
    now += 5000;
    await limiter.take(PODINFO, 'user:default/grace');
    const [{ n }] = await knex('gort_manual_run_limits').count({ n: '*' });
    expect(Number(n)).toBe(1);
  });
});
