import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseAiCache } from '../ai/AiCache';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { migrationsDir } from '../database/migrations';
import { NewRun } from '../database/RunStore';
import { DatabaseVerdictCheckStore } from '../verdicts/VerdictCheckStore';
import { RetentionCleaner } from './RetentionCleaner';

jest.setTimeout(60_000);

const DAY = 86_400_000;

const newRun = (entityRef: string, sha: string): NewRun => ({
  entityRef,
  objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }],
  repo: 'acme/gitops',
  branch: 'main',
  sha: sha.repeat(40),
  trigger: 'push',
  timeoutMs: 600_000,
});

describe('RetentionCleaner', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('removes what outlived its retention and nothing else, on %p', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    let now = new Date('2026-01-01T00:00:00Z');
    const clock = () => now;
    const store = new DatabaseRunStore(knex, clock);
    const aiCache = new DatabaseAiCache(knex, 365 * DAY, clock);
    const verdictChecks = new DatabaseVerdictCheckStore(knex, clock);
    const check = (runId: string) => ({ runId, cluster: '', repo: 'acme/gitops', sha: 'a'.repeat(40), name: 'gort/a', channel: 'check-run' as const });

    const finish = async (entityRef: string, sha: string) => {
      const { runId } = await store.createRun(newRun(entityRef, sha));
      await store.claimRuns('r', 30_000, 10);
      await store.transition(runId, 'r', { state: 'failed', outcome: 'failed', message: 'failed', evidence: [{ source: 'Pod/apps/x', message: 'ImagePullBackOff' }] });
      await store.transition(runId, 'r', { state: 'done', message: 'done' });
      return runId;
    };
    const old = await finish('component:default/a', 'a');
    await aiCache.set('k-old', 'anthropic', 'm', { value: { x: 1 }, usage: { input: 1, output: 1 } });
    await store.ingestDelivery({ deliveryId: 'd-old', source: 'webhook', runs: [] });
    await verdictChecks.claim(check(old));
    now = new Date(now.getTime() + 40 * DAY);
    const middle = await finish('component:default/b', 'b');
    const active = (await store.createRun(newRun('component:default/c', 'c'))).runId;
    now = new Date(now.getTime() + 55 * DAY);
    await aiCache.set('k-new', 'anthropic', 'm', { value: { x: 2 }, usage: { input: 1, output: 1 } });
    await store.ingestDelivery({ deliveryId: 'd-new', source: 'webhook', runs: [] });
    await verdictChecks.claim(check(active));

    const cleaner = new RetentionCleaner({
      runStore: store,
      aiCache,
      verdictChecks,
      retention: { runsMs: 90 * DAY, evidenceMs: 30 * DAY, deliveriesMs: 7 * DAY, aiCacheMs: 7 * DAY },
      logger: mockServices.logger.mock(),
      clock,
    });
    expect(await cleaner.clean()).toEqual({ runs: 1, evidence: 1, deliveries: 1, aiCache: 1, verdictChecks: 1 });
    expect(await store.getRun(old)).toBeUndefined();
    expect(await knex('gort_run_events').where('run_id', old).first()).toBeUndefined();
    const kept = await store.getRun(middle);
    expect(kept).toMatchObject({ state: 'done', evidence: [] });
    expect(kept!.timeline.length).toBeGreaterThan(0);
    expect((await store.getRun(active))!.state).toBe('queued');
    expect(await aiCache.get('k-new')).toBeDefined();
    expect(await aiCache.get('k-old')).toBeUndefined();
    expect(await verdictChecks.get(check(old))).toBeUndefined();
    expect(await verdictChecks.get(check(active))).toBeDefined();
    // A second pass finds nothing more.
    expect(await cleaner.clean()).toEqual({ runs: 0, evidence: 0, deliveries: 0, aiCache: 0, verdictChecks: 0 });
  });
});
