import { createTestDatabases } from '../__testUtils__/testDatabases';
import { mockServices } from '@backstage/backend-test-utils';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { migrationsDir } from '../database/migrations';
import { NewRun, RunStore } from '../database/RunStore';
import { FluxObjectLookup } from './judgeRunObject';
import { CommitComparer, FailureDiagnoser, LeaseLostError, LiveObjectReader, RunFollowUps } from './ports';
import { RunLifecycle } from './RunLifecycle';
import { RunProcessor } from './RunProcessor';

jest.setTimeout(60_000);

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OLD = 'fedcba9876543210fedcba9876543210fedcba98';

/** The observer's cache, held in a map (the processor only reads it). */
class MapLookup implements FluxObjectLookup {
  readonly objects = new Map<string, KubeObject>();
  synced = true;
  resolveCluster(name?: string) {
    return name ?? 'demo';
  }
  hasCluster(name: string) {
    return name === 'demo';
  }
  get(cluster: string, kind: string, namespace: string, name: string) {
    return this.objects.get(`${cluster}/${kind}/${namespace}/${name}`);
  }
  list(cluster: string, kind: string) {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(`${cluster}/${kind}/`)).map(([, v]) => v);
  }
  isSynced() {
    return this.synced;
  }
  put(object: KubeObject) {
    this.objects.set(`demo/${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`, object);
  }
}

function gitRepository(sha: string): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'flux-system', namespace: 'flux-system', generation: 1 },
    status: { observedGeneration: 1, artifact: { revision: `main@sha1:${sha}` }, conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded' }] },
  };
}

function kustomization(status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'podinfo', namespace: 'flux-system', generation: 1 },
    spec: { sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    status: { observedGeneration: 1, ...status },
  };
}

/** The Kustomization once it applied SHA and is Ready. */
const appliedAtSha = () =>
  kustomization({
    lastAppliedRevision: `main@sha1:${SHA}`,
    lastAttemptedRevision: `main@sha1:${SHA}`,
    conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: main@sha1:${SHA}` }],
  });

const newRun = (overrides: Partial<NewRun> = {}): NewRun => ({
  entityRef: 'component:default/podinfo',
  objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }],
  repo: 'acme/gitops',
  branch: 'main',
  sha: SHA,
  trigger: 'push',
  timeoutMs: 600_000,
  ...overrides,
});

describe('RunProcessor', () => {
  const databases = createTestDatabases();

  async function setup(
    databaseId: Parameters<typeof databases.init>[0],
    options: { clock?: () => Date; commitComparer?: CommitComparer; compareTimeoutMs?: number; diagnoser?: FailureDiagnoser; followUps?: RunFollowUps; liveReader?: LiveObjectReader; leaseMs?: number; maxConcurrentFollowUps?: number; shutdownGraceMs?: number; ownerId?: string; store?: RunStore } = {},
  ) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const store = options.store ?? new DatabaseRunStore(knex, options.clock);
    const lookup = new MapLookup();
    const transitions: string[] = [];
    const detections: number[] = [];
    const lifecycle = new RunLifecycle(mockServices.logger.mock());
    lifecycle.subscribe(event => {
      transitions.push(event.state);
      if (event.detectionDelayMs !== undefined) detections.push(event.detectionDelayMs);
    });
    const processor = new RunProcessor({
      runStore: store,
      lookup,
      logger: mockServices.logger.mock(),
      ownerId: options.ownerId ?? 'test-replica',
      leaseMs: options.leaseMs ?? 30_000,
      maxConcurrent: 10,
      maxConcurrentFollowUps: options.maxConcurrentFollowUps,
      shutdownGraceMs: options.shutdownGraceMs,
      diagnoser: options.diagnoser,
      followUps: options.followUps,
      liveReader: options.liveReader,
      clock: options.clock,
      commitComparer: options.commitComparer,
      compareTimeoutMs: options.compareTimeoutMs,
      lifecycle,
    });
    return { knex, store, lookup, processor, transitions, detections, lifecycle };
  }

  async function settle(processor: RunProcessor) {
    await processor.idle();
    await processor.tick();
    await processor.idle();
  }

  it.each(databases.eachSupportedId())('follows a push to success at exactly its revision, on %p', async id => {
    const { store, lookup, processor, transitions, detections } = await setup(id);
    lookup.put(gitRepository(OLD));
    lookup.put(kustomization({ lastAppliedRevision: `main@sha1:${OLD}`, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }] }));
    const { runId } = await store.createRun(newRun());
    await settle(processor);
    expect((await store.getRun(runId))!.state).toBe('waiting_for_source');

    lookup.put(gitRepository(SHA));
    processor.onFluxChange({ cluster: 'demo', kind: 'GitRepository', namespace: 'flux-system', name: 'flux-system' });
    await settle(processor);
    expect((await store.getRun(runId))!.state).toBe('reconciling');

    lookup.put(appliedAtSha());
    processor.onFluxChange({ cluster: 'demo', kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' });
    await settle(processor);

    const run = await store.getRun(runId);
    expect(run).toMatchObject({ state: 'done', outcome: 'succeeded' });
    expect(run!.timeline.map(e => e.state)).toEqual(['queued', 'waiting_for_source', 'reconciling', 'succeeded', 'done']);
    expect(run!.verdicts[0]).toMatchObject({ state: 'succeeded', object: 'Kustomization/flux-system/podinfo' });
    expect(transitions).toEqual(['waiting_for_source', 'reconciling', 'succeeded', 'done']);
    expect(detections.length).toBeGreaterThan(0);
    expect(processor.heldRunIds).toEqual([]);
  });

  it.each(databases.eachSupportedId())('diagnoses a failure at the pushed revision, on %p', async id => {
    const calls: any[] = [];
    const diagnoser: FailureDiagnoser = {
      async diagnose(input) {
        calls.push(input);
        return {
          category: 'invalid-manifest',
          diagnosis: { category: 'invalid-manifest', object: 'Deployment/podinfo/podinfo', summary: 'replicas is not an integer', fix: 'set spec.replicas to a number', confidence: 0.9, evidence: [], related: [] },
          evidence: [{ source: 'Kustomization/flux-system/podinfo', message: 'dry-run failed' }],
        };
      },
    };
    const { store, lookup, processor } = await setup(id, { diagnoser });
    lookup.put(gitRepository(SHA));
    lookup.put(kustomization({
      lastAppliedRevision: `main@sha1:${OLD}`,
      lastAttemptedRevision: `main@sha1:${SHA}`,
      conditions: [{ type: 'Ready', status: 'False', reason: 'ReconciliationFailed', message: 'Deployment/podinfo/podinfo dry-run failed (BadRequest)' }],
    }));
    const { runId } = await store.createRun(newRun());
    await settle(processor);
    const run = await store.getRun(runId);
    expect(run).toMatchObject({
      state: 'done',
      outcome: 'failed',
      category: 'invalid-manifest',
      failure: { object: 'Kustomization/flux-system/podinfo', reason: 'ReconciliationFailed' },
      diagnosis: { summary: 'replicas is not an integer' },
      evidence: [{ message: 'dry-run failed' }],
    });
    expect(run!.timeline.map(e => e.state)).toEqual(['queued', 'failed', 'diagnosing', 'done']);
    expect(calls[0].failure).toMatchObject({ reason: 'ReconciliationFailed' });
    expect(calls[0].locations).toEqual([{ cluster: 'demo', kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }]);
  });

  it.each(databases.eachSupportedId())('times out at the deadline and still diagnoses, on %p', async id => {
    let now = new Date('2026-11-23T10:00:00Z');
    const clock = () => now;
    const diagnoser: FailureDiagnoser = { diagnose: async () => ({ category: 'dependency-not-ready', evidence: [] }) };
    const { store, lookup, processor } = await setup(id, { clock, diagnoser });
    lookup.put(gitRepository(SHA));
    lookup.put(kustomization({ lastAttemptedRevision: `main@sha1:${SHA}`, conditions: [{ type: 'Ready', status: 'False', reason: 'DependencyNotReady', message: "dependency 'flux-system/infra' is not ready" }] }));
    const { runId } = await store.createRun(newRun({ timeoutMs: 60_000 }));
    await settle(processor);
    expect((await store.getRun(runId))!.state).toBe('reconciling');
    now = new Date(now.getTime() + 61_000);
    await settle(processor);
    const run = await store.getRun(runId);
    expect(run).toMatchObject({ state: 'done', outcome: 'timed_out', category: 'dependency-not-ready' });
    expect(run!.timeline.find(e => e.state === 'timed_out')!.message).toMatch(/No verdict after 1m1s; still reconciling: .*dependency 'flux-system\/infra' is not ready/);
  });

  it.each(databases.eachSupportedId())('stops working on a run a newer push superseded, on %p', async id => {
    const { store, lookup, processor } = await setup(id);
    lookup.put(gitRepository(OLD));
    lookup.put(kustomization({ lastAppliedRevision: `main@sha1:${OLD}` }));
    const first = await store.createRun(newRun());
    await settle(processor);
    expect(processor.heldRunIds).toEqual([first.runId]);
    const second = await store.createRun(newRun({ sha: 'a'.repeat(40) }));
    expect(second.superseded).toEqual([first.runId]);
    lookup.put(gitRepository(SHA));
    processor.onFluxChange({ cluster: 'demo', kind: 'GitRepository', namespace: 'flux-system', name: 'flux-system' });
    await settle(processor);
    const run = await store.getRun(first.runId);
    expect(run!.state).toBe('superseded');
    expect(run!.timeline.map(e => e.state)).toEqual(['queued', 'waiting_for_source', 'superseded']);
    expect(processor.heldRunIds).toEqual([second.runId]);
  });

  it.each(databases.eachSupportedId())('ends in error when the cluster is not configured, on %p', async id => {
    const { store, processor } = await setup(id);
    const { runId } = await store.createRun(newRun({ objects: [{ cluster: 'prod', kind: 'Kustomization', namespace: 'a', name: 'b' }] }));
    await settle(processor);
    expect(await store.getRun(runId)).toMatchObject({ state: 'error', outcome: 'error', error: 'cluster "prod" is not configured for GORT' });
  });

  it.each(databases.eachSupportedId())('runs the follow-ups: fix PR after a diagnosis, intent after a success, on %p', async id => {
    // A class, as the real follow-ups are: methods must be called on it.
    class TestFollowUps implements RunFollowUps {
      readonly prNumber = 7;
      async afterDiagnosis({ category, progress }: Parameters<NonNullable<RunFollowUps['afterDiagnosis']>>[0]) {
        await progress('Asking the AI for a fix');
        return {
          message: `Fix pull request #${this.prNumber} opened for ${category}`,
          ai: { provider: 'anthropic', model: 'm', tokens: { input: 10, output: 5 } },
          fixPr: { status: 'opened' as const, message: 'opened', url: 'http://gh/pr/7', number: this.prNumber, prState: 'open' as const, validation: [{ check: 'paths', ok: true, detail: 'inside allowed globs' }] },
        };
      }
      async validateIntent({ progress }: Parameters<NonNullable<RunFollowUps['validateIntent']>>[0]) {
        await progress('Comparing runtime state with docs/plans/podinfo.md');
        return {
          message: 'Intent not met: 1 finding',
          intent: { met: false, confidence: 0.8, mode: 'ai' as const, plans: ['docs/plans/podinfo.md'], findings: [{ expectation: '2 replicas', observed: '1 replica', status: 'not_met' as const }] },
        };
      }
    }
    const followUps = new TestFollowUps();
    const diagnoser: FailureDiagnoser = { diagnose: async () => ({ category: 'image-pull', evidence: [] }) };
    const { store, lookup, processor } = await setup(id, { diagnoser, followUps });
    lookup.put(gitRepository(SHA));
    lookup.put(kustomization({ lastAttemptedRevision: `main@sha1:${SHA}`, conditions: [{ type: 'Ready', status: 'False', reason: 'HealthCheckFailed', message: 'timeout' }] }));
    const failed = await store.createRun(newRun());
    await settle(processor);
    const failedRun = await store.getRun(failed.runId);
    expect(failedRun).toMatchObject({ state: 'done', category: 'image-pull', fixPr: { number: 7, status: 'opened' }, ai: { provider: 'anthropic' } });
    expect(failedRun!.timeline.map(e => e.message)).toEqual(
      expect.arrayContaining(['Diagnosed as image-pull', 'Asking the AI for a fix', 'Fix pull request #7 opened for image-pull']),
    );
    expect((await store.listRuns({ limit: 1 })).items[0].fixPr).toEqual({ status: 'opened', url: 'http://gh/pr/7', number: 7, prState: 'open' });

    lookup.put(kustomization({ lastAppliedRevision: `main@sha1:${'b'.repeat(40)}`, lastAttemptedRevision: `main@sha1:${'b'.repeat(40)}`, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }] }));
    lookup.put(gitRepository('b'.repeat(40)));
    const ok = await store.createRun(newRun({ sha: 'b'.repeat(40) }));
    await settle(processor);
    const okRun = await store.getRun(ok.runId);
    expect(okRun).toMatchObject({ state: 'done', outcome: 'succeeded', intentMet: false, intent: { findings: [{ status: 'not_met' }] } });
    expect(okRun!.timeline.map(e => e.state)).toEqual(['queued', 'succeeded', 'validating', 'validating', 'done']);
  });

  describe('a HelmRelease tied to the push through the Kustomization that applies it', () => {
    const parent = (sha: string): KubeObject => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system', generation: 1 },
      spec: { sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
      status: {
        observedGeneration: 1,
        lastAppliedRevision: `main@sha1:${sha}`,
        lastAttemptedRevision: `main@sha1:${sha}`,
        inventory: { entries: [{ id: 'apps_podinfo_helm.toolkit.fluxcd.io_HelmRelease', v: 'v2' }] },
        conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: main@sha1:${sha}` }],
      },
    });
    /** The release as the controller left it: `observed` of `generation` reconciled and deployed. */
    const release = (generation: number, observed: number): KubeObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'apps', generation },
      spec: { chart: { spec: { chart: 'podinfo', version: '6.5.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } } },
      status: {
        observedGeneration: observed,
        lastAttemptedGeneration: observed,
        lastAttemptedRevision: '6.5.0',
        history: [{ chartVersion: '6.5.0', status: 'deployed' }],
        conditions: [{ type: 'Ready', status: observed === generation ? 'True' : 'Unknown', reason: observed === generation ? 'UpgradeSucceeded' : 'Progressing', message: '' }],
      },
    });
    const watched = newRun({ objects: [{ kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' }] });

    async function runWith(id: Parameters<typeof databases.init>[0], live: KubeObject | undefined) {
      const reads: string[] = [];
      const liveReader: LiveObjectReader = {
        read: async location => {
          reads.push(`${location.kind}/${location.namespace}/${location.name}`);
          return live;
        },
      };
      const { store, lookup, processor } = await setup(id, { liveReader });
      lookup.put(gitRepository(SHA));
      lookup.put(parent(SHA));
      // The cache still holds the release from before the Kustomization applied the push.
      lookup.put(release(1, 1));
      const { runId } = await store.createRun(watched);
      await settle(processor);
      return { state: (await store.getRun(runId))!.state, reads };
    }

    it.each(databases.eachSupportedId())('waits when the API server already has the new generation the watch has not delivered, on %p', async id => {
      const { state, reads } = await runWith(id, release(2, 1));
      expect(reads).toEqual(['HelmRelease/apps/podinfo']);
      expect(state).toBe('reconciling');
    });

    it.each(databases.eachSupportedId())('succeeds when the API server confirms the release the cache holds, on %p', async id => {
      const { state } = await runWith(id, release(1, 1));
      expect(['succeeded', 'validating', 'done']).toContain(state);
    });
  });

  describe('leases and fencing', () => {
    const FAILING = () =>
      kustomization({ lastAttemptedRevision: `main@sha1:${SHA}`, conditions: [{ type: 'Ready', status: 'False', reason: 'HealthCheckFailed', message: 'timeout' }] });
    const diagnoser: FailureDiagnoser = { diagnose: async () => ({ category: 'image-pull', evidence: [] }) };
    const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

    /** A second replica on the same database, ticking until stopped. */
    async function otherReplica(knex: any, lookup: MapLookup, leaseMs: number) {
      const processor = new RunProcessor({
        runStore: new DatabaseRunStore(knex),
        lookup,
        logger: mockServices.logger.mock(),
        ownerId: 'replica-b',
        leaseMs,
        maxConcurrent: 10,
        diagnoser,
      });
      const claimed = new Set<string>();
      let running = true;
      const loop = (async () => {
        while (running) {
          await processor.tick();
          processor.heldRunIds.forEach(id => claimed.add(id));
          await sleep(50);
        }
      })();
      return {
        processor,
        claimed,
        stop: async () => {
          running = false;
          await loop;
          await processor.idle();
        },
      };
    }

    it.each(databases.eachSupportedId())('keeps the lease through a follow-up longer than the lease, so no other replica takes the run, on %p', async id => {
      // Long enough that a loaded 2-core machine's scheduling stalls (seen: >600 ms at
      // load 10) cannot by themselves outlast a lease; the follow-up still outlasts three.
      const leaseMs = 1500;
      const guards: string[] = [];
      const followUps: RunFollowUps = {
        async afterDiagnosis({ guard }) {
          await sleep(3 * leaseMs);
          await guard('open a pull request');
          guards.push('passed');
          return { message: 'Fix opened' };
        },
      };
      const { knex, store, lookup, processor } = await setup(id, { diagnoser, followUps, leaseMs });
      lookup.put(gitRepository(SHA));
      lookup.put(FAILING());
      const { runId } = await store.createRun(newRun());
      processor.start();
      await processor.tick();
      // The tick claimed the run and returned without waiting for the follow-up.
      expect(guards).toEqual([]);
      const b = await otherReplica(knex, lookup, leaseMs);
      await processor.idle();
      await b.stop();
      await processor.stop();
      expect(guards).toEqual(['passed']);
      expect(b.claimed.size).toBe(0);
      expect(await store.getRun(runId)).toMatchObject({ state: 'done' });
    });

    it.each(databases.eachSupportedId())('writes the verdict of a run finished long after its last renewal: the final transition is its own fence, on %p', async id => {
      const leaseMs = 30_000;
      let now = Date.parse('2026-12-02T10:00:00Z');
      const clock = () => new Date(now);
      const { store, lookup, processor, lifecycle } = await setup(id, { clock, leaseMs });
      const fences: Array<{ state: string; fence?: (what: string) => Promise<void> }> = [];
      lifecycle.subscribe(event => {
        fences.push({ state: event.state, fence: event.fence });
      });
      lookup.put(gitRepository(SHA));
      lookup.put(kustomization({ lastAppliedRevision: `main@sha1:${OLD}`, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }] }));
      const { runId } = await store.createRun(newRun());
      await settle(processor);
      expect(processor.heldRunIds).toEqual([runId]);

      // No heartbeat for 0.6 of the lease (a busy event loop): the fence of a change made now would refuse.
      now += 0.6 * leaseMs;
      const inProgress = fences.at(-1)!;
      expect(inProgress.state).not.toBe('done');
      await expect(inProgress.fence!('post the stage')).rejects.toThrow(/more than half/);
      lookup.put(appliedAtSha());
      processor.onFluxChange({ cluster: 'demo', kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' });
      await settle(processor);
      expect(await store.getRun(runId)).toMatchObject({ state: 'done', outcome: 'succeeded' });
      // The final transition commits only under the lease and is not fenced afterwards.
      const done = fences.find(f => f.state === 'done');
      expect(done).toBeDefined();
      expect(done!.fence).toBeUndefined();
    });

    it.each(databases.eachSupportedId())('refuses side effects once renewals have failed for half a lease; another replica finishes the run, on %p', async id => {
      const leaseMs = 600;
      const outcomes: string[] = [];
      let failRenewals = false;
      const followUps: RunFollowUps = {
        async afterDiagnosis({ guard }) {
          failRenewals = true;
          await sleep(leaseMs);
          try {
            await guard('open a pull request');
            outcomes.push('acted');
          } catch (error) {
            outcomes.push(String(error));
            throw error;
          }
          return { message: 'Fix opened' };
        },
      };
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      const real = new DatabaseRunStore(knex);
      // The database stops answering this replica's renewals (a network partition).
      const partitioned: RunStore = Object.assign(Object.create(real), {
        renewLeases: async (...args: Parameters<RunStore['renewLeases']>) => {
          if (failRenewals) throw new Error('connection reset');
          return real.renewLeases(...args);
        },
      });
      const { store, lookup, processor } = await setup(id, { diagnoser, followUps, leaseMs, store: partitioned });
      lookup.put(gitRepository(SHA));
      lookup.put(FAILING());
      const { runId } = await real.createRun(newRun());
      processor.start();
      await processor.tick();
      await processor.idle();
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]).toMatch(/LeaseLostError: Not doing "open a pull request" .* more than half the 600 ms lease/);
      expect(processor.heldRunIds).toEqual([]);
      expect((await store.getRun(runId))!.state).toBe('diagnosing');

      await sleep(leaseMs);
      const b = new RunProcessor({ runStore: real, lookup, logger: mockServices.logger.mock(), ownerId: 'replica-b', leaseMs, maxConcurrent: 10, diagnoser });
      await settle(b);
      expect(await real.getRun(runId)).toMatchObject({ state: 'done', category: 'image-pull' });
      await processor.stop();
    });

    it.each(databases.eachSupportedId())('resumes a run taken over in diagnosing with the diagnosis stored then, not one made from the cluster as it is now, on %p', async id => {
      const leaseMs = 600;
      const diagnosedAs = (category: 'image-pull' | 'unknown', summary?: string): FailureDiagnoser => ({
        diagnose: async () => ({ category, diagnosis: summary ? { category, object: 'Deployment/podinfo/podinfo', summary, fix: 'set the tag', confidence: 0.9, evidence: [], related: [] } : undefined, evidence: [] }),
      });
      const seen: string[] = [];
      const crashing: RunFollowUps = {
        async afterDiagnosis() {
          throw new LeaseLostError('killed');
        },
      };
      const { store, lookup, processor } = await setup(id, { diagnoser: diagnosedAs('image-pull', 'cannot pull its image'), followUps: crashing, leaseMs });
      lookup.put(gitRepository(SHA));
      lookup.put(FAILING());
      const { runId } = await store.createRun(newRun());
      await processor.tick();
      await processor.idle();
      expect(await store.getRun(runId)).toMatchObject({ state: 'diagnosing', category: 'image-pull' });

      await sleep(leaseMs + 100);
      const b = new RunProcessor({
        runStore: store,
        lookup,
        logger: mockServices.logger.mock(),
        ownerId: 'replica-b',
        leaseMs,
        maxConcurrent: 10,
        // The cluster moved on: diagnosing now would find nothing.
        diagnoser: diagnosedAs('unknown'),
        followUps: {
          async afterDiagnosis({ category, diagnosis }) {
            seen.push(`${category}: ${diagnosis?.summary}`);
            return { message: 'Fix opened' };
          },
        },
      });
      await settle(b);
      expect(seen).toEqual(['image-pull: cannot pull its image']);
      expect(await store.getRun(runId)).toMatchObject({ state: 'done', category: 'image-pull' });
      await processor.stop();
    });

    it.each(databases.eachSupportedId())('runs at most maxConcurrentFollowUps follow-ups at once, and all of them in the end, on %p', async id => {
      let running = 0;
      let most = 0;
      const followUps: RunFollowUps = {
        async afterDiagnosis() {
          running++;
          most = Math.max(most, running);
          await sleep(100);
          running--;
          return { message: 'Fix opened' };
        },
      };
      const { store, lookup, processor } = await setup(id, { diagnoser, followUps, maxConcurrentFollowUps: 2 });
      lookup.put(gitRepository(SHA));
      lookup.put(FAILING());
      const runs = [];
      for (let i = 0; i < 5; i++) runs.push(await store.createRun(newRun({ entityRef: `component:default/app-${i}` })));
      await settle(processor);
      expect(most).toBe(2);
      for (const { runId } of runs) expect((await store.getRun(runId))!.state).toBe('done');
    });

    it.each(databases.eachSupportedId())('on shutdown releases idle runs at once and busy ones after the grace period, so another replica resumes them, on %p', async id => {
      let release!: () => void;
      const followUps: RunFollowUps = {
        afterDiagnosis: () => new Promise(resolve => {
          release = () => resolve({ message: 'Fix opened' });
        }),
      };
      const { knex, store, lookup, processor } = await setup(id, { diagnoser, followUps, shutdownGraceMs: 200 });
      lookup.put(gitRepository(OLD));
      lookup.put(FAILING());
      const waiting = await store.createRun(newRun({ entityRef: 'component:default/waiting', sha: 'c'.repeat(40) }));
      const busy = await store.createRun(newRun());
      await processor.tick();
      await sleep(100);
      expect(processor.heldRunIds.sort()).toEqual([waiting.runId, busy.runId].sort());
      await processor.stop();
      expect(processor.heldRunIds).toEqual([]);
      const rows = await knex('gort_runs').whereIn('id', [waiting.runId, busy.runId]).select('lease_owner');
      expect(rows.map((r: any) => r.lease_owner)).toEqual([null, null]);
      release();
      await processor.idle();
      // The abandoned follow-up could not record anything: the run is still there to resume.
      expect((await store.getRun(busy.runId))!.state).toBe('diagnosing');
      const b = new RunProcessor({ runStore: store, lookup, logger: mockServices.logger.mock(), ownerId: 'replica-b', leaseMs: 30_000, maxConcurrent: 10, diagnoser });
      await settle(b);
      expect((await store.getRun(busy.runId))!.state).toBe('done');
    });

    it.each(databases.eachSupportedId())('claims nothing when the scheduler has aborted the tick, on %p', async id => {
      const { store, processor } = await setup(id);
      await store.createRun(newRun());
      const controller = new AbortController();
      controller.abort();
      await processor.tick(controller.signal);
      expect(processor.heldRunIds).toEqual([]);
      await processor.tick();
      expect(processor.heldRunIds).toHaveLength(1);
    });
  });
  describe('the order of pushes before/after cannot decide (force-pushes)', () => {
    const BASE = '1111111111111111111111111111111111111111';
    const TIP = '2222222222222222222222222222222222222222';
    const FORCED = '3333333333333333333333333333333333333333';
    const ELSEWHERE = '4444444444444444444444444444444444444444';

    /** Flux still at the commit before all of these. */
    function atOld(lookup: MapLookup) {
      lookup.put(gitRepository(OLD));
      lookup.put(kustomization({ lastAppliedRevision: `main@sha1:${OLD}`, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }] }));
    }

    /** A fake SCM compare: answers `answer` (or throws it) and records what it was asked. */
    function comparer(answer: Awaited<ReturnType<CommitComparer['compare']>> | Error) {
      const calls: Array<{ repo: string; base: string; head: string }> = [];
      const port: CommitComparer = {
        async compare(input) {
          calls.push(input);
          if (answer instanceof Error) throw answer;
          return answer;
        },
      };
      return { port, calls };
    }

    /** The run of BASE → TIP waits for Flux; then a forced push to FORCED (from ELSEWHERE) arrives and supersedes it. */
    async function forcedPushAfterTip(id: Parameters<typeof databases.init>[0], port: CommitComparer) {
      const env = await setup(id, { commitComparer: port });
      atOld(env.lookup);
      const tip = await env.store.createRun(newRun({ sha: TIP, beforeSha: BASE }));
      const forced = await env.store.createRun(newRun({ sha: FORCED, beforeSha: ELSEWHERE, forced: true }));
      expect(forced.superseded).toEqual([tip.runId]);
      await settle(env.processor);
      await settle(env.processor);
      return { ...env, tip: tip.runId, forced: forced.runId };
    }

    it.each(databases.eachSupportedId())('ends a push that compares behind as an older commit and queues the run it superseded again, on %p', async id => {
      const { port, calls } = comparer({ status: 'behind', aheadBy: 0, behindBy: 2 });
      const { store, tip, forced, transitions, processor } = await forcedPushAfterTip(id, port);
      expect(calls).toEqual([{ repo: 'acme/gitops', base: TIP, head: FORCED }]);
      const older = await store.getRun(forced);
      expect(older).toMatchObject({ state: 'superseded', outcome: 'superseded', supersededBy: tip });
      expect(older!.timeline.at(-1)!.message).toMatch(/^Superseded by 2222222, a newer commit: Compared with 2222222: behind by 2/);
      const restored = await store.getRun(tip);
      // Back in the queue and worked again: it waits for Flux to fetch its commit.
      expect(restored).toMatchObject({ state: 'waiting_for_source' });
      expect(restored!.outcome).toBeUndefined();
      expect(restored!.supersededBy).toBeUndefined();
      expect(restored!.finishedAt).toBeUndefined();
      expect(restored!.timeline.map(e => e.state)).toEqual(['queued', 'superseded', 'queued', 'waiting_for_source']);
      expect(restored!.timeline[2].message).toContain('Queued again: the push of 3333333 that superseded this run is an older commit');
      expect(transitions).toEqual(expect.arrayContaining(['superseded', 'queued', 'waiting_for_source']));
      expect(processor.heldRunIds).toEqual([tip]);
      // Its own order check placed it against nothing older: no further compare.
      expect(calls).toHaveLength(1);
    });

    it.each(databases.eachSupportedId())('keeps a push that compares ahead or diverged as the new tip, with a note, on %p', async id => {
      for (const answer of [{ status: 'ahead' as const, aheadBy: 3, behindBy: 0 }, { status: 'diverged' as const, aheadBy: 1, behindBy: 2 }]) {
        const { port, calls } = comparer(answer);
        const { store, tip, forced } = await forcedPushAfterTip(id, port);
        expect(calls).toHaveLength(1);
        const run = await store.getRun(forced);
        expect(run).toMatchObject({ state: 'waiting_for_source' });
        expect(run!.timeline.map(e => e.message).join('\n')).toMatch(answer.status === 'ahead' ? /ahead by 3 commit\(s\), so this push is the branch's new tip/ : /diverged \(ahead by 1, behind by 2\) after a force-push/);
        expect(await store.getRun(tip)).toMatchObject({ state: 'superseded', supersededBy: forced });
      }
    });

    it.each(databases.eachSupportedId())('ends a push that compares diverged while the branch head is still the previous commit as an older commit, on %p', async id => {
      const { port, calls } = comparer({ status: 'diverged', aheadBy: 1, behindBy: 2 });
      const heads: string[] = [];
      port.branchHead = async input => {
        heads.push(`${input.repo}@${input.branch}`);
        return TIP;
      };
      const { store, tip, forced } = await forcedPushAfterTip(id, port);
      expect(calls).toHaveLength(1);
      expect(heads).toEqual(['acme/gitops@main']);
      const older = await store.getRun(forced);
      expect(older).toMatchObject({ state: 'superseded', supersededBy: tip });
      expect(older!.timeline.at(-1)!.message).toMatch(/diverged \(ahead by 1, behind by 2\), and the branch's head is still 2222222/);
      expect(await store.getRun(tip)).toMatchObject({ state: 'waiting_for_source' });
    });

    it.each(databases.eachSupportedId())('keeps the arrival order when the compare fails (GitHub down, or a 404 once the base is gone), on %p', async id => {
      const { port } = comparer(Object.assign(new Error('Not Found'), { status: 404 }));
      const { store, tip, forced } = await forcedPushAfterTip(id, port);
      const run = await store.getRun(forced);
      expect(run).toMatchObject({ state: 'waiting_for_source' });
      expect(run!.timeline.map(e => e.message)).toContain(
        'Could not compare with 2222222 (Not Found); going by the order the pushes arrived in: this one is taken as the newer commit',
      );
      expect(await store.getRun(tip)).toMatchObject({ state: 'superseded', supersededBy: forced });
    });

    it.each(databases.eachSupportedId())('keeps the arrival order when the compare hangs, on %p', async id => {
      const env = await setup(id, { commitComparer: { compare: () => new Promise(() => {}) }, compareTimeoutMs: 200 });
      atOld(env.lookup);
      const tip = await env.store.createRun(newRun({ sha: TIP, beforeSha: BASE }));
      const forced = await env.store.createRun(newRun({ sha: FORCED, beforeSha: ELSEWHERE, forced: true }));
      await settle(env.processor);
      const run = await env.store.getRun(forced.runId);
      expect(run).toMatchObject({ state: 'waiting_for_source' });
      expect(run!.timeline.map(e => e.message).join('\n')).toContain('the compare took longer than 200 ms');
      expect(await env.store.getRun(tip.runId)).toMatchObject({ state: 'superseded' });
    });

    it.each(databases.eachSupportedId())('does not compare when before/after decide, and ends a late older push after a finished newer run, on %p', async id => {
      const { port, calls } = comparer(new Error('must not be called'));
      const { store, processor, knex, lookup } = await setup(id, { commitComparer: port });
      atOld(lookup);
      // BASE → TIP, then TIP → FORCED (not forced): the second moved the branch from the first.
      const first = await store.createRun(newRun({ sha: TIP, beforeSha: BASE }));
      const second = await store.createRun(newRun({ sha: FORCED, beforeSha: TIP }));
      await settle(processor);
      expect(calls).toEqual([]);
      expect(await store.getRun(second.runId)).toMatchObject({ state: 'waiting_for_source' });
      expect(await store.getRun(first.runId)).toMatchObject({ state: 'superseded' });

      // The run of FORCED finishes; then the delivery of ELSEWHERE → TIP arrives late: FORCED was pushed on top of TIP.
      await knex('gort_runs').where('id', second.runId).update({ state: 'done', outcome: 'succeeded', finished_at: new Date(), lease_owner: null });
      const late = await store.createRun(newRun({ sha: TIP, beforeSha: ELSEWHERE }));
      expect(late.created).toBe(true);
      await settle(processor);
      expect(calls).toEqual([]);
      expect(await store.getRun(late.runId)).toMatchObject({ state: 'superseded', supersededBy: second.runId });
      // A finished run is not put back.
      expect(await store.getRun(second.runId)).toMatchObject({ state: 'done', outcome: 'succeeded' });
    });

    it.each(databases.eachSupportedId())('leaves "Run now" runs alone, on %p', async id => {
      const { port, calls } = comparer({ status: 'behind', aheadBy: 0, behindBy: 1 });
      const { store, processor, lookup } = await setup(id, { commitComparer: port });
      atOld(lookup);
      await store.createRun(newRun({ sha: TIP, beforeSha: BASE }));
      const manual = await store.createRun(newRun({ sha: BASE, trigger: 'manual' }));
      await settle(processor);
      expect(calls).toEqual([]);
      expect(await store.getRun(manual.runId)).toMatchObject({ state: 'waiting_for_source' });
    });
  });
});
