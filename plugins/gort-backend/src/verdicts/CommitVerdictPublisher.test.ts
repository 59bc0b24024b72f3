import { mockServices } from '@backstage/backend-test-utils';
import type { Run, RunList } from '@gort-backstage/plugin-gort-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { migrationsDir } from '../database/migrations';
import type { RunStore } from '../database/RunStore';
import { leaseFence } from '../runs/leaseFence';
import { LeaseLostError, SideEffectGuard } from '../runs/ports';
import { RunLifecycle } from '../runs/RunLifecycle';
import { CommitVerdictPublisher } from './CommitVerdictPublisher';
import type { CommitVerdictClient } from './ports';
import { DEFAULT_AGGREGATE_ABOVE } from './readVerdictConfig';
import type { CommitVerdict } from './verdictMapping';
import { CHECKS_OFF, DatabaseVerdictCheckStore } from './VerdictCheckStore';

jest.setTimeout(60_000);

const SHA = 'b'.repeat(40);

function run(id: string, facts: Partial<Run> = {}): Run {
  return {
    id,
    entityRef: `component:default/${id}`,
    repo: 'acme/podinfo-gitops',
    branch: 'main',
    sha: SHA,
    trigger: 'push',
    state: 'queued',
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    deadlineAt: '2026-12-01T00:10:00Z',
    objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }],
    timeline: [],
    verdicts: [],
    evidence: [],
    ...facts,
  };
}

/** A GitHub that records check runs and statuses (the sandbox covers the wire format). */
function fakeGitHub(channel: 'check-run' | 'status') {
  const checks: Array<{ id: number; name: string; externalId: string; history: CommitVerdict[] }> = [];
  const statuses: Array<{ context: string; state: string; targetUrl: string }> = [];
  let nextId = 1;
  /** GitHub answers 502 to this many writes. */
  const outage = { writes: 0 };
  const client: CommitVerdictClient = {
    channel,
    findCheckRun: async (_sha, name, externalId) => checks.find(c => c.name === name && c.externalId === externalId)?.id,
    createCheckRun: async input => {
      if (outage.writes > 0) {
        outage.writes--;
        throw new Error('502 Bad Gateway');
      }
      // GitHub answers after a while: room for a second replica to ask meanwhile
      await new Promise(resolve => setTimeout(resolve, 20));
      const check = { id: nextId++, name: input.name, externalId: input.externalId, history: [input.verdict] };
      checks.push(check);
      return check.id;
    },
    updateCheckRun: async (id, input) => {
      checks.find(c => c.id === id)!.history.push(input.verdict);
    },
    setStatus: async input => {
      statuses.push({ context: input.context, state: input.state, targetUrl: input.targetUrl });
    },
    mergedPullRequestsOf: async () => [],
    upsertPullRequestComment: async () => undefined,
  };
  return { client, checks, statuses, outage };
}

describe('CommitVerdictPublisher', () => {
  const databases = createTestDatabases();
  const runs = new Map<string, Run>();
  const runStore = {
    getRun: async (id: string) => runs.get(id),
    getRunForCheck: async (id: string) => {
      const stored = runs.get(id);
      if (!stored) return undefined;
      const ofCommit = [...runs.values()].filter(
        r =>
          r.sha === stored.sha &&
          r.repo.toLowerCase() === stored.repo.toLowerCase(),
      );
      return {
        run: { ...stored, timeline: [] },
        commitEntities: new Set(ofCommit.map(r => r.entityRef)).size,
      };
    },
    listRuns: async (query: { sha?: string }): Promise<RunList> => ({
      items: [...runs.values()].filter(r => r.sha === query.sha).reverse(),
    }),
  } as unknown as RunStore;

  async function setup(channel: 'check-run' | 'status' = 'check-run', annotations: Record<string, string> = {}, replicas = 1, updateIntervalMs = 0) {
    runs.clear();
    const knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({ directory: migrationsDir });
    const github = fakeGitHub(channel);
    const store = new DatabaseVerdictCheckStore(knex);
    const lifecycles = Array.from({ length: replicas }, () => new RunLifecycle(mockServices.logger.mock()));
    const publishers = lifecycles.map(lifecycle => {
      const publisher = new CommitVerdictPublisher({
        runStore,
        store,
        clients: async () => github.client,
        entities: async () => ({ annotations }),
        config: { enabled: true, aggregateAbove: DEFAULT_AGGREGATE_ABOVE, evidence: false, updateIntervalMs, mergedPrComment: false, catchUpAfterMs: 60_000 },
        appBaseUrl: 'https://backstage.example',
        logger: mockServices.logger.mock(),
        retryDelayMs: 10,
      });
      publisher.follow(lifecycle);
      return publisher;
    });
    /** Stores `next` and announces it (as `announced`, by default its own state). */
    const emit = async (next: Run, replica = 0, fence?: SideEffectGuard, announced = next.state) => {
      runs.set(next.id, next);
      lifecycles[replica].emit({ runId: next.id, entityRef: next.entityRef, state: announced, ...(fence ? { fence } : {}) });
      await new Promise(resolve => setTimeout(resolve, 5));
    };
    const idle = async () => {
      await new Promise(resolve => setTimeout(resolve, 100));
      await Promise.all(publishers.map(p => p.idle()));
    };
    return { github, emit, idle, publishers, store };
  }

  describe('fenced by the lease (issue #12)', () => {
    const LEASE_MS = 30_000;
    /** The processor's fence on a fake clock: renewed at t=0, held unless said otherwise. */
    function lease() {
      const state = { now: 0, renewedAt: 0, holds: true };
      const fence = leaseFence({
        runId: 'podinfo',
        leaseMs: LEASE_MS,
        clock: () => new Date(state.now),
        holds: () => state.holds,
        renewedAt: () => state.renewedAt,
      });
      return { state, fence };
    }

    it('writes while the last renewal is younger than half the lease, and sends nothing once it is older', async () => {
      const { github, emit, idle } = await setup();
      const { state, fence } = lease();
      state.now = LEASE_MS / 2 - 1;
      await emit(run('podinfo', { state: 'reconciling' }), 0, fence);
      await idle();
      expect(github.checks).toHaveLength(1);
      // Renewals stop succeeding (the database is slow, the process was paused):
      // past half the lease, neither an update nor a new check goes out.
      state.now = LEASE_MS / 2 + 1;
      await emit(run('podinfo', { state: 'diagnosing' }), 0, fence);
      await emit(run('other', { state: 'reconciling' }), 0, fence);
      await idle();
      expect(github.checks).toHaveLength(1);
      expect(github.checks[0].history.map(v => v.status)).toEqual(['in_progress']);
      // Renewed again: the next change is written.
      state.renewedAt = state.now;
      await emit(run('podinfo', { state: 'diagnosing' }), 0, fence);
      await idle();
      expect(github.checks[0].history).toHaveLength(2);
    });

    it('sends no commit status and no verdict comment with a stale lease', async () => {
      const { github, emit, idle } = await setup('status');
      const { state, fence } = lease();
      state.now = LEASE_MS;
      await emit(run('podinfo', { state: 'reconciling' }), 0, fence);
      await idle();
      expect(github.statuses).toHaveLength(0);
    });

    it('a replica that no longer holds the run writes nothing, the one that holds it now does', async () => {
      const { github, emit, idle } = await setup('check-run', {}, 2);
      const old = lease();
      const current = lease();
      old.state.holds = false;
      await emit(run('podinfo', { state: 'reconciling' }), 0, old.fence);
      await idle();
      expect(github.checks).toHaveLength(0);
      await emit(run('podinfo', { state: 'reconciling' }), 1, current.fence);
      await idle();
      expect(github.checks).toHaveLength(1);
    });

    it('a final verdict (no fence: the final transition is its own) is written after the release', async () => {
      const { github, emit, idle } = await setup();
      const released = lease();
      released.state.holds = false;
      released.state.now = LEASE_MS;
      // the stage a released replica would show is refused…
      await emit(run('podinfo', { state: 'reconciling' }), 0, released.fence);
      await idle();
      expect(github.checks).toHaveLength(0);
      // …the verdict of the transition that finished the run is not
      await emit(run('podinfo', { state: 'done', outcome: 'succeeded' }), 0);
      await idle();
      expect(github.checks.map(c => c.history.map(v => v.conclusion))).toEqual([['success']]);
    });
  });

  describe('a publication that outlives the lease of the change that asked for it', () => {
    it('posts the verdict of a run it reads finished, whichever fence the change carried', async () => {
      const { github, emit, idle } = await setup();
      const refused: SideEffectGuard = async what => {
        throw new LeaseLostError(`Not doing "${what}": this replica no longer holds it`);
      };
      // announced while validating, read after the run was finished and released
      await emit(run('podinfo', { state: 'done', outcome: 'succeeded' }), 0, refused, 'validating');
      await idle();
      expect(github.checks.map(c => c.history.map(v => v.conclusion))).toEqual([['success']]);
    });

    it('gives its claim up when fenced out before creating the check, so the final verdict does not wait for it', async () => {
      const { github, emit, idle } = await setup();
      // passes the claim, refuses the creation: the run finished in between
      const lapsing: SideEffectGuard = async what => {
        if (what.startsWith('create')) throw new LeaseLostError(`Not doing "${what}": this replica no longer holds it`);
      };
      await emit(run('podinfo', { state: 'validating' }), 0, lapsing);
      await idle();
      expect(github.checks).toHaveLength(0);
      await emit(run('podinfo', { state: 'done', outcome: 'succeeded' }));
      await idle();
      expect(github.checks.map(c => c.history.map(v => v.conclusion))).toEqual([['success']]);
    });
  });

  describe('catch-up of finished runs whose checks missed their verdict', () => {
    it('posts a verdict GitHub refused when the run finished, once', async () => {
      const { github, emit, idle, publishers, store } = await setup();
      github.outage.writes = 1;
      await emit(run('podinfo', { state: 'done', outcome: 'succeeded' }));
      await idle();
      expect(github.checks).toHaveLength(0);
      // what the database finds (its query is tested with the store)
      store.finishedRunsNotShown = async () => ['podinfo'];
      // the failed creation left a claim: taken over once the run has been finished for catchUpAfter
      await expect(publishers[0].catchUp()).resolves.toEqual({ found: 1, posted: 0 });
      const later = { now: new Date(Date.now() + 60_000) };
      await expect(publishers[0].catchUp(later)).resolves.toEqual({ found: 1, posted: 1 });
      expect(github.checks.map(c => c.history.map(v => v.conclusion))).toEqual([['success']]);
      // found again (the query raced the write): nothing is written twice
      await expect(publishers[0].catchUp(later)).resolves.toEqual({ found: 1, posted: 0 });
      expect(github.checks.map(c => c.history.length)).toEqual([1]);
    });

    it('goes on past a run GitHub refuses, and tries it again on the next pass', async () => {
      const { github, emit, idle, publishers, store } = await setup();
      // both finished while GitHub was down, so the normal path gave up on them
      github.outage.writes = 2;
      await emit(run('a', { state: 'done', outcome: 'succeeded' }));
      await emit(run('b', { state: 'done', outcome: 'failed' }));
      await idle();
      expect(github.checks).toHaveLength(0);
      store.finishedRunsNotShown = async () => ['a', 'b'];
      github.outage.writes = 1;
      const later = { now: new Date(Date.now() + 60_000) };
      await expect(publishers[0].catchUp(later)).resolves.toEqual({ found: 2, posted: 1 });
      await expect(publishers[0].catchUp(later)).resolves.toEqual({ found: 2, posted: 1 });
      expect(github.checks.map(c => [c.externalId, c.history.map(v => v.conclusion)])).toEqual([
        ['b', ['failure']],
        ['a', ['success']],
      ]);
    });

    it('marks a run of an entity with checks off, so it is not looked at again', async () => {
      const { github, emit, idle, publishers, store } = await setup('check-run', { 'gort.io/verdicts': 'off' });
      await emit(run('podinfo', { state: 'done', outcome: 'failed' }));
      await idle();
      store.finishedRunsNotShown = async () => ['podinfo'];
      await expect(publishers[0].catchUp()).resolves.toEqual({ found: 1, posted: 0 });
      expect(github.checks).toHaveLength(0);
      expect(await store.get({ runId: 'podinfo', cluster: '' })).toMatchObject({ lastPosted: CHECKS_OFF });
    });
  });

  it('shows a run in progress with its stage, then action_required with the fix PR, on one check', async () => {
    const { github, emit, idle } = await setup();
    await emit(run('podinfo'));
    await idle();
    await emit(run('podinfo', { state: 'reconciling' }));
    await idle();
    const fixPr = { status: 'opened' as const, message: '', url: 'https://github.example/acme/podinfo-gitops/pull/3', number: 3, prState: 'open' as const, validation: [] };
    await emit(run('podinfo', { state: 'done', outcome: 'failed', category: 'image-pull', fixPr }));
    await idle();
    expect(github.checks).toHaveLength(1);
    const [check] = github.checks;
    expect(check).toMatchObject({ name: 'gort/podinfo', externalId: 'podinfo' });
    expect(check.history.map(v => v.conclusion ?? v.status)).toEqual(['in_progress', 'in_progress', 'action_required']);
    expect(check.history[1].title).toBe('Waiting for Flux to apply the commit');
    expect(check.history[2].summary).toContain(fixPr.url);
  });

  it('posts nothing twice for an identical state (a redelivered event)', async () => {
    const { github, emit, idle } = await setup();
    await emit(run('podinfo', { state: 'reconciling' }));
    await idle();
    await emit(run('podinfo', { state: 'reconciling' }));
    await idle();
    expect(github.checks).toHaveLength(1);
    expect(github.checks[0].history).toHaveLength(1);
  });

  it('makes one check when two replicas announce the same run at once', async () => {
    const { github, emit, idle } = await setup('check-run', {}, 2);
    await Promise.all([emit(run('podinfo'), 0), emit(run('podinfo', { state: 'waiting_for_source' }), 1)]);
    await idle();
    await emit(run('podinfo', { state: 'done', outcome: 'succeeded', intentMet: true }), 1);
    await idle();
    expect(github.checks).toHaveLength(1);
    expect(github.checks[0].history.at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('makes one aggregate check for a push to more entities than aggregateAbove', async () => {
    const { github, emit, idle } = await setup();
    const all = Array.from({ length: 50 }, (_, i) => run(`app-${i}`));
    for (const r of all) runs.set(r.id, r);
    for (const r of all) await emit(r);
    await idle();
    for (const r of all) await emit({ ...r, state: 'done', outcome: 'succeeded' });
    await idle();
    expect(github.checks.map(c => c.name)).toEqual(['gort/all']);
    expect(github.checks[0].history.at(-1)).toMatchObject({ conclusion: 'success', title: '50 entities: 50 success' });
  });

  describe('a burst of pushes (each superseding the run before)', () => {
    it('gives a run superseded before its first check none, and closes one that was posted as neutral', async () => {
      // a new check's first update waits up to a second, so a run superseded within it had none on GitHub
      const { github, emit, idle } = await setup('check-run', {}, 1, 1000);
      // each push is its own commit
      const pushed = (id: string, facts: Partial<Run> = {}) => run(id, { sha: id.padEnd(40, '0'), ...facts });
      await emit(pushed('shown'));
      await idle();
      for (let i = 0; i < 30; i++) {
        await emit(pushed(`burst-${i}`));
        await emit(pushed(`burst-${i}`, { state: 'superseded', outcome: 'superseded' }));
      }
      await emit(pushed('shown', { state: 'superseded', outcome: 'superseded' }));
      await emit(pushed('latest', { state: 'reconciling' }));
      await idle();
      expect(github.checks.map(c => [c.name, c.history.map(v => v.conclusion ?? v.status)])).toEqual([
        ['gort/shown', ['in_progress', 'neutral']],
        ['gort/latest', ['in_progress']],
      ]);
    });

    it('posts nothing on another replica for a run one replica decided had no check', async () => {
      const { github, emit, idle } = await setup('status', {}, 2);
      await emit(run('podinfo', { state: 'superseded', outcome: 'superseded' }), 0);
      await idle();
      await emit(run('podinfo', { state: 'reconciling' }), 1);
      await idle();
      expect(github.statuses).toEqual([]);
    });
  });

  it('posts commit statuses with a token, pending then the verdict, linking the run page', async () => {
    const { github, emit, idle } = await setup('status');
    await emit(run('podinfo', { state: 'reconciling' }));
    await idle();
    await emit(run('podinfo', { state: 'done', outcome: 'timed_out' }));
    await idle();
    expect(github.statuses).toEqual([
      { context: 'gort/podinfo', state: 'pending', targetUrl: 'https://backstage.example/catalog/default/component/podinfo/gitops/runs/podinfo' },
      { context: 'gort/podinfo', state: 'failure', targetUrl: 'https://backstage.example/catalog/default/component/podinfo/gitops/runs/podinfo' },
    ]);
  });

  it('posts nothing for an entity annotated gort.io/verdicts: off', async () => {
    const { github, emit, idle } = await setup('check-run', { 'gort.io/verdicts': 'off' });
    await emit(run('podinfo', { state: 'done', outcome: 'failed' }));
    await idle();
    expect(github.checks).toEqual([]);
  });

  it('splits a run over several clusters into one check per cluster', async () => {
    const { github, emit, idle } = await setup();
    await emit(run('podinfo', { objects: [
      { kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo', cluster: 'eu' },
      { kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo', cluster: 'us' },
    ] }));
    await idle();
    expect(github.checks.map(c => c.name).sort()).toEqual(['gort/podinfo/eu', 'gort/podinfo/us']);
  });
});
