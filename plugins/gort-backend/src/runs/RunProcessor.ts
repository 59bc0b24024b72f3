import { LoggerService } from '@backstage/backend-plugin-api';
import { formatDuration } from '@gort-backstage/plugin-gort-common';
import type { Run, RunObjectVerdict } from '@gort-backstage/plugin-gort-common';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { RunStore, RunTransition } from '../database/RunStore';
import { combineVerdicts, isForwardMove, ObjectJudgement } from './combineVerdicts';
import { FluxObjectLookup, judgeRunObject, ObjectLocation } from './judgeRunObject';
import { decidePushOrder, orderFromPushes } from './pushOrder';
import type { CommitComparison } from './pushOrder';
import { CommitComparer, FailureDiagnoser, FluxChangeSource, isLeaseLost, LeaseLostError, LiveObjectReader, ReconcileRequester, RunFollowUps, SideEffectGuard } from './ports';
import { leaseFence } from './leaseFence';
import { RunLifecycle } from './RunLifecycle';

export interface RunProcessorOptions {
  runStore: RunStore;
  lookup: FluxObjectLookup;
  logger: LoggerService;
  ownerId: string;
  leaseMs: number;
  /** Runs held at once. */
  maxConcurrent: number;
  /** Diagnoses, AI calls and fix PRs in flight at once (default 4); other runs wait their turn, leases renewed. */
  maxConcurrentFollowUps?: number;
  /** On shutdown, how long in-flight work may finish before the rest is released (default 10 s). */
  shutdownGraceMs?: number;
  diagnoser?: FailureDiagnoser;
  followUps?: RunFollowUps;
  reconcileRequester?: ReconcileRequester;
  /** Confirms a success against the API server where the watch cache may lag (see confirmedLive). */
  liveReader?: LiveObjectReader;
  /** Where every state change this processor makes is announced. */
  lifecycle?: RunLifecycle;
  /**
   * Orders a push against the entity's previous run when before/after cannot
   * (force-pushes): without it, the order the pushes arrived in stands.
   */
  commitComparer?: CommitComparer;
  /** How long the compare may take before the arrival order stands (default 10 s). */
  compareTimeoutMs?: number;
  clock?: () => Date;
}

interface HeldRun {
  run: Run;
  watchKeys: Set<string>;
  busy: boolean;
  again: boolean;
  reconcileRequested: boolean;
  verdictsKey?: string;
  /** When the Flux change being handled reached the observer. */
  changeReceivedAt?: number;
  /** Clock time at which the last successful renewal (or the claim) was sent. */
  renewedAt: number;
  /** Whether this process already placed the push against the previous run. */
  orderChecked?: boolean;
}

const FULL_SWEEP_MS = 15_000;
/** How long a follow-up waits for the watch cache after a restart. */
const WATCH_SYNC_WAIT_MS = 30_000;

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function locationKey(location: ObjectLocation): string {
  return `${location.cluster}\u0000${location.kind}\u0000${location.namespace}\u0000${location.name}`;
}

/**
 * The orchestrator. Claims runs (with a lease, so replicas share work), judges
 * each against the cached Flux state whenever a watched object changes, ends
 * runs at their deadline, and hands failures to the diagnoser. A restart loses
 * nothing: leases expire and another process (or this one) resumes the run.
 */
export class RunProcessor {
  private readonly held = new Map<string, HeldRun>();
  private ticking = false;
  private wakeScheduled = false;
  private readonly inflight = new Set<Promise<void>>();
  private lastSweep = 0;
  private stopped = false;
  private renewing = false;
  private heartbeatTimer?: ReturnType<typeof setInterval>;
  private followUpsRunning = 0;
  private readonly followUpQueue: Array<() => void> = [];
  private readonly clock: () => Date;

  constructor(private readonly options: RunProcessorOptions) {
    this.clock = options.clock ?? (() => new Date());
    // New runs are claimed at once rather than at the next tick.
    options.lifecycle?.subscribe(event => {
      if (event.state === 'queued' && event.previous === undefined) this.wake();
    });
  }

  get heldRunIds(): string[] {
    return [...this.held.keys()];
  }

  /** Resolves once no evaluation is running (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) {
      await Promise.all([...this.inflight]);
    }
  }

  /** Starts the heartbeat: leases are renewed every third of a lease, whatever the runs are waiting on. */
  start(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.heartbeatTimer.unref?.();
  }

  /**
   * Finishes or releases in-flight work (SIGTERM): nothing new is claimed or
   * started, idle runs are released at once, busy ones get the grace period
   * and are released after it, so another replica resumes them without
   * waiting for the lease to expire. Work still running then is fenced.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.held.values()].filter(h => !h.busy).map(h => this.release(h)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>(resolve => {
        timer = setTimeout(resolve, this.options.shutdownGraceMs ?? 10_000);
      }),
    ]);
    clearTimeout(timer);
    await Promise.all([...this.held.values()].map(h => this.release(h)));
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private async release(held: HeldRun): Promise<void> {
    if (this.held.get(held.run.id) !== held) return;
    this.held.delete(held.run.id);
    await this.options.runStore.releaseLease(this.options.ownerId, held.run.id).catch(error =>
      this.options.logger.warn(`Could not release the lease of run ${held.run.id}: ${error}`),
    );
  }

  /** Renews the leases of every held run; runs whose lease was lost are dropped (and fenced). */
  async heartbeat(): Promise<void> {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = true;
    const { runStore, ownerId, leaseMs, logger } = this.options;
    const sentAt = this.clock().getTime();
    const ids = [...this.held.keys()];
    try {
      const stillHeld = new Set(await runStore.renewLeases(ownerId, ids, leaseMs));
      for (const id of ids) {
        const held = this.held.get(id);
        if (!held) continue;
        if (stillHeld.has(id)) {
          held.renewedAt = Math.max(held.renewedAt, sentAt);
        } else {
          logger.info(`GORT run ${id}: the lease is no longer ours (finished, superseded or taken over); letting it go`);
          this.held.delete(id);
        }
      }
    } catch (error) {
      // The fence closes by itself once renewals have failed for half a lease.
      logger.warn(`GORT could not renew ${ids.length} run lease(s): ${error}`);
    } finally {
      this.renewing = false;
    }
  }

  /** The check before a side effect of `held` (see {@link SideEffectGuard}). */
  private guardFor(held: HeldRun): SideEffectGuard {
    return leaseFence({
      runId: held.run.id,
      leaseMs: this.options.leaseMs,
      clock: this.clock,
      holds: () => this.held.get(held.run.id) === held,
      renewedAt: () => held.renewedAt,
    });
  }

  private async withFollowUpSlot<T>(work: () => Promise<T>): Promise<T> {
    const limit = this.options.maxConcurrentFollowUps ?? 4;
    if (this.followUpsRunning < limit) {
      this.followUpsRunning++;
    } else {
      // A finishing follow-up hands its slot over directly.
      await new Promise<void>(resolve => this.followUpQueue.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.followUpQueue.shift();
      if (next) next();
      else this.followUpsRunning--;
    }
  }

  /** New runs were stored: claim them now rather than at the next tick (once for a burst). */
  wake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.track(this.tick());
    });
  }

  /** Re-judges held runs whenever `source` reports a change to an object they watch. */
  follow(source: FluxChangeSource): () => void {
    return source.subscribe(change =>
      this.onFluxChange(
        {
          cluster: change.cluster,
          kind: change.kind,
          namespace: change.object.metadata?.namespace ?? '',
          name: change.object.metadata?.name ?? '',
        },
        change.receivedAt,
      ),
    );
  }

  /** A watched Flux object changed: re-judge the runs that depend on it. */
  onFluxChange(location: ObjectLocation, receivedAt: number = Date.now()): void {
    if (this.stopped) return;
    const key = locationKey(location);
    for (const held of this.held.values()) {
      if (held.watchKeys.has(key)) {
        held.changeReceivedAt ??= receivedAt;
        this.track(this.evaluate(held));
      }
    }
  }

  /**
   * Claims free runs and starts the evaluations that are due. Returns without
   * waiting for them: a long diagnosis never delays claims, deadlines or the
   * heartbeat. Stops early when the scheduler aborts.
   */
  async tick(abortSignal?: AbortSignal): Promise<void> {
    if (this.ticking || this.stopped || abortSignal?.aborted) return;
    this.ticking = true;
    try {
      const now = this.clock().getTime();
      const { runStore, ownerId, leaseMs, maxConcurrent } = this.options;
      const capacity = maxConcurrent - this.held.size;
      const fresh = new Set<HeldRun>();
      if (capacity > 0) {
        for (const run of await runStore.claimRuns(ownerId, leaseMs, capacity)) {
          if (this.stopped) {
            await runStore.releaseLease(ownerId, run.id);
            continue;
          }
          const held: HeldRun = { run, watchKeys: new Set(), busy: false, again: false, reconcileRequested: false, renewedAt: now };
          this.held.set(run.id, held);
          fresh.add(held);
        }
      }
      if (abortSignal?.aborted) return;
      const sweep = now - this.lastSweep >= FULL_SWEEP_MS;
      if (sweep) this.lastSweep = now;
      for (const held of this.held.values()) {
        const due = Date.parse(held.run.deadlineAt) <= now;
        if (sweep || due || fresh.has(held)) this.track(this.evaluate(held));
      }
    } catch (error) {
      this.options.logger.error(`GORT run processor tick failed: ${error}`);
    } finally {
      this.ticking = false;
    }
  }

  private track(work: Promise<void>) {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }

  private async evaluate(held: HeldRun): Promise<void> {
    if (held.busy) {
      held.again = true;
      return;
    }
    held.busy = true;
    try {
      do {
        held.again = false;
        await this.step(held);
      } while (held.again && this.held.has(held.run.id));
    } catch (error) {
      if (isLeaseLost(error)) {
        this.options.logger.info(`GORT run ${held.run.id}: ${error.message}`);
        if (this.held.get(held.run.id) === held) this.held.delete(held.run.id);
      } else {
        this.options.logger.error(`GORT run ${held.run.id} failed to advance: ${error}`);
      }
    } finally {
      held.busy = false;
    }
  }

  private async transition(held: HeldRun, change: RunTransition): Promise<boolean> {
    const final = ['done', 'error', 'superseded'].includes(change.state);
    const ok = await this.options.runStore.transition(held.run.id, this.options.ownerId, change);
    if (!ok) {
      // Superseded by a newer push, or another replica holds it now.
      this.held.delete(held.run.id);
      return false;
    }
    const from = held.run.state;
    held.run = { ...held.run, state: change.state, ...(change.outcome ? { outcome: change.outcome } : {}) };
    this.options.logger.info(`GORT run ${held.run.id} (${held.run.entityRef} @ ${held.run.sha.slice(0, 7)}): ${from} → ${change.state}: ${change.message}`);
    const { state, ...recorded } = change;
    this.options.lifecycle?.emit({
      runId: held.run.id,
      entityRef: held.run.entityRef,
      state,
      previous: from,
      trigger: held.run.trigger,
      createdAt: held.run.createdAt,
      change: recorded,
      ...(held.changeReceivedAt !== undefined ? { detectionDelayMs: Date.now() - held.changeReceivedAt } : {}),
      // Check runs, statuses and verdict comments go through the lease fence. A final
      // transition is its own fence: it commits only while this replica owns the run
      // (the store's conditional update), and nobody can change a finished run after it,
      // so its verdict is the database's and is written even after the release. Refusing
      // it on the age of the last renewal lost the verdict for good: nobody holds the run
      // to write it later (a quick run finished on a loaded machine did, in CI).
      ...(final ? {} : { fence: this.guardFor(held) }),
    });
    held.changeReceivedAt = undefined;
    if (final) {
      this.held.delete(held.run.id);
    }
    return true;
  }

  private judge(held: HeldRun): ObjectJudgement[] {
    const now = this.clock();
    const judgements = held.run.objects.map(object =>
      judgeRunObject(object, held.run.sha, this.options.lookup, now),
    );
    held.watchKeys = new Set(
      judgements.flatMap(j => [j.location, j.sourceLocation].filter(Boolean).map(l => locationKey(l!))),
    );
    return judgements;
  }

  private async step(held: HeldRun): Promise<void> {
    const { run } = held;
    switch (run.state) {
      case 'queued':
        if (await this.endedAsOlderCommit(held)) return;
        await this.observe(held);
        return;
      case 'waiting_for_source':
      case 'reconciling':
        await this.observe(held);
        return;
      case 'failed':
      case 'timed_out':
        await this.withFollowUpSlot(async () => {
          if (await this.transition(held, { state: 'diagnosing', message: 'Collecting evidence and diagnosing' })) {
            await this.diagnose(held);
          }
        });
        return;
      case 'diagnosing':
        await this.withFollowUpSlot(() => this.diagnose(held));
        return;
      case 'succeeded':
      case 'validating':
        await this.withFollowUpSlot(() => this.validate(held));
        return;
      default:
        this.held.delete(run.id);
    }
  }

  /**
   * A queued push placed against the entity's previous run (issue #12: an
   * older commit never supersedes a newer one). Before/after decide when they
   * can; otherwise (a force-push, a delivery missing in between) GitHub's
   * compare does, here and never on the webhook path. An older commit ends
   * superseded by the newer run, and a newer run it superseded on arrival goes
   * back in the queue. A failed compare loses nothing: the arrival order
   * stands, with a note. True when the run ended.
   */
  private async endedAsOlderCommit(held: HeldRun): Promise<boolean> {
    if (held.orderChecked || held.run.trigger !== 'push') return false;
    held.orderChecked = true;
    const { runStore, ownerId, commitComparer, logger } = this.options;
    const context = await runStore.pushOrderContext(held.run.id);
    const previous = context?.previous;
    if (!context || !previous || previous.sha.toLowerCase() === context.run.sha.toLowerCase()) return false;
    let comparison: CommitComparison | undefined;
    let compareError: string | undefined;
    if (orderFromPushes(context.run, previous) === undefined) {
      // Without a compare (none wired), the arrival order stands as it did before there was one.
      if (!commitComparer) return false;
      try {
        comparison = await withTimeout(
          commitComparer.compare({ repo: held.run.repo, base: previous.sha, head: context.run.sha }),
          this.options.compareTimeoutMs ?? 10_000,
          'the compare',
        );
      } catch (error) {
        compareError = String((error as Error)?.message ?? error).slice(0, 300);
        logger.warn(`GORT run ${held.run.id}: could not compare ${previous.sha.slice(0, 7)}...${context.run.sha.slice(0, 7)} on ${held.run.repo}: ${compareError}`);
      }
    }
    let branchHead: string | undefined;
    if (comparison?.status === 'diverged' && commitComparer?.branchHead) {
      branchHead = await withTimeout(
        commitComparer.branchHead({
          repo: held.run.repo,
          branch: held.run.branch,
        }),
        this.options.compareTimeoutMs ?? 10_000,
        'the branch head',
      ).catch(error => {
        logger.warn(
          `GORT run ${held.run.id}: could not read the head of ${held.run.repo}@${held.run.branch}: ${error}`,
        );
        return undefined;
      });
    }
    const decision = decidePushOrder({
      push: context.run,
      previous,
      comparison,
      compareError,
      branchHead,
    });
    if (decision.verdict === 'newer') {
      if (decision.note) await this.progress(held, decision.note);
      return false;
    }
    const sha = held.run.sha.slice(0, 7);
    const why = decision.note ?? `${previous.sha.slice(0, 7)} was pushed on top of this commit`;
    const message = `Superseded by ${previous.sha.slice(0, 7)}, a newer commit: ${why}`;
    const result = await runStore.endAsOlderCommit(held.run.id, ownerId, {
      newerRunId: previous.id,
      message,
      restoredMessage: `Queued again: the push of ${sha} that superseded this run is an older commit (${why})`,
    });
    this.held.delete(held.run.id);
    if (!result.ended) return true;
    logger.info(`GORT run ${held.run.id} (${held.run.entityRef} @ ${sha}): queued → superseded: ${message}`);
    const { lifecycle } = this.options;
    lifecycle?.emit({
      runId: held.run.id,
      entityRef: held.run.entityRef,
      state: 'superseded',
      previous: held.run.state,
      trigger: held.run.trigger,
      createdAt: held.run.createdAt,
      supersededBy: previous.id,
      change: { outcome: 'superseded', message },
    });
    if (result.restored) {
      lifecycle?.emit({ runId: previous.id, entityRef: held.run.entityRef, state: 'queued', previous: 'superseded', trigger: previous.trigger });
      this.wake();
    }
    return true;
  }

  private async observe(held: HeldRun): Promise<void> {
    const judged = this.judge(held);
    const unknown = judged.find(j => j.state === 'unknown');
    // A cluster GORT does not know fails the run only when it is all there is; otherwise its
    // objects are not judged (the watcher shows the annotation problem) and the others proceed.
    const judgements = unknown && !judged.every(j => j.state === 'unknown')
      ? judged.map(j => (j.state === 'unknown' ? { ...j, state: 'unreachable' as const } : j))
      : judged;
    if (unknown && judgements === judged) {
      await this.transition(held, {
        state: 'error',
        outcome: 'error',
        message: `${unknown.object}: ${unknown.detail}`,
        error: unknown.detail,
      });
      return;
    }
    await this.requestReconcileOnce(held, judgements);
    const verdicts: RunObjectVerdict[] = judgements.map(({ object, state, detail, at, health, because, cluster, clusterProblem }) => ({
      object, state, detail, at, ...(health ? { health } : {}), ...(because ? { because } : {}),
      ...(cluster ? { cluster } : {}), ...(clusterProblem ? { clusterProblem } : {}),
    }));
    const verdictsKey = JSON.stringify(verdicts.map(v => [v.object, v.state, v.detail]));
    const now = this.clock();
    const overdue = now.getTime() >= Date.parse(held.run.deadlineAt);
    const combined = combineVerdicts(judgements, { final: overdue });

    if (combined.state === 'failed') {
      if (await this.transition(held, { state: 'failed', outcome: 'failed', message: combined.message, failure: combined.failure, verdicts })) {
        await this.step(held);
      }
      return;
    }
    if (combined.state === 'partial') {
      // Some clusters could not be read by the deadline: say what was not judged, diagnose nothing.
      await this.transition(held, { state: 'done', outcome: 'partial', message: combined.message, verdicts });
      return;
    }
    if (combined.state === 'unobservable') {
      await this.transition(held, { state: 'done', outcome: 'unobservable', message: combined.message, verdicts });
      return;
    }
    if (combined.state === 'succeeded') {
      const live = await this.confirmedLive(held);
      if (live && live.state !== 'succeeded') {
        if (isForwardMove(held.run.state, 'reconciling')) {
          await this.transition(held, { state: 'reconciling', message: `Confirmed with the API server: ${live.message}`, verdicts });
        }
        return;
      }
      if (await this.transition(held, { state: 'succeeded', outcome: 'succeeded', message: combined.message, verdicts })) {
        await this.step(held);
      }
      return;
    }
    if (overdue && combined.suspended?.length) {
      // Suspended on purpose: no diagnosis, no fix PR.
      await this.transition(held, {
        state: 'done',
        outcome: 'suspended',
        message: `Still suspended at the deadline: ${combined.suspended.join(', ')}`,
        verdicts,
      });
      return;
    }
    if (overdue) {
      const waited = formatDuration(now.getTime() - Date.parse(held.run.createdAt));
      if (await this.transition(held, {
        state: 'timed_out',
        outcome: 'timed_out',
        message: `No verdict after ${waited}; still ${combined.state.replace(/_/g, ' ')}: ${combined.message}`,
        verdicts,
      })) {
        await this.step(held);
      }
      return;
    }
    if (isForwardMove(held.run.state, combined.state)) {
      await this.transition(held, { state: combined.state, message: combined.message, verdicts });
      held.verdictsKey = verdictsKey;
      return;
    }
    if (verdictsKey !== held.verdictsKey) {
      held.verdictsKey = verdictsKey;
      const ok = await this.options.runStore.recordVerdicts(held.run.id, this.options.ownerId, verdicts);
      if (!ok) this.held.delete(held.run.id);
    }
    held.changeReceivedAt = undefined;
  }

  private async requestReconcileOnce(held: HeldRun, judgements: ObjectJudgement[]) {
    const requester = this.options.reconcileRequester;
    if (!requester || held.reconcileRequested || held.run.state !== 'queued') return;
    held.reconcileRequested = true;
    await this.guardFor(held)('request a Flux reconcile');
    const j = judgements as Array<ObjectJudgement & { location?: ObjectLocation; sourceLocation?: ObjectLocation }>;
    const locations = j.flatMap(x => [x.sourceLocation, x.location]).filter((l): l is ObjectLocation => Boolean(l));
    try {
      await requester.request(locations, held.run.sha);
    } catch (error) {
      this.options.logger.warn(`Could not request an immediate Flux reconcile for run ${held.run.id}: ${error}`);
    }
  }

  /** A progress note on the timeline; throws LeaseLostError when the run is no longer ours. */
  private async progress(held: HeldRun, message: string): Promise<void> {
    const ok = await this.options.runStore.transition(held.run.id, this.options.ownerId, { state: held.run.state, message });
    if (!ok) {
      if (this.held.get(held.run.id) === held) this.held.delete(held.run.id);
      throw new LeaseLostError(`Stopped at "${message}": run ${held.run.id} was superseded or taken over`);
    }
  }

  private async validate(held: HeldRun): Promise<void> {
    const followUps = this.options.followUps;
    if (!followUps?.validateIntent) {
      await this.transition(held, { state: 'done', message: 'The push landed' });
      return;
    }
    if (held.run.state !== 'validating' && !(await this.transition(held, { state: 'validating', message: 'Validating the deployment against its plan documents' }))) {
      return;
    }
    await this.untilWatchesSynced(held);
    const judgements = this.judge(held) as Array<ObjectJudgement & { location?: ObjectLocation }>;
    try {
      const result = await followUps.validateIntent({
        run: (await this.options.runStore.getRun(held.run.id)) ?? held.run,
        locations: judgements.map(j => j.location).filter((l): l is ObjectLocation => Boolean(l)),
        progress: message => this.progress(held, message),
        guard: this.guardFor(held),
      });
      await this.transition(held, { state: 'done', message: result.message, intent: result.intent, ai: result.ai, fixPr: result.fixPr });
    } catch (error) {
      if (isLeaseLost(error)) throw error;
      await this.transition(held, { state: 'done', message: `Intent validation failed: ${error}`, error: `Intent validation failed: ${String(error).slice(0, 500)}` });
    }
  }

  private async diagnose(held: HeldRun): Promise<void> {
    const diagnoser = this.options.diagnoser;
    if (!diagnoser) {
      await this.transition(held, { state: 'done', message: 'No diagnoser configured' });
      return;
    }
    await this.untilWatchesSynced(held);
    const fresh = await this.options.runStore.getRun(held.run.id);
    // A run taken over in `diagnosing` (its worker crashed or lost the lease)
    // keeps the rules' diagnosis stored then: the cluster may have moved on, or
    // this process's watch cache may not have synced yet.
    const stored = fresh?.state === 'diagnosing' && fresh.category ? { category: fresh.category, diagnosis: fresh.diagnosis, evidence: fresh.evidence } : undefined;
    const result = stored ?? (await this.diagnoseNow(held, fresh, diagnoser));
    if (!result) return;
    const message = result.diagnosis
      ? `Diagnosed as ${result.category}: ${result.diagnosis.summary}`
      : `Diagnosed as ${result.category}`;
    const diagnosed = { category: result.category, diagnosis: result.diagnosis, evidence: result.evidence };
    const followUps = this.options.followUps;
    if (!followUps?.afterDiagnosis) {
      await this.transition(held, { state: 'done', message, ...diagnosed });
      return;
    }
    // The rules' diagnosis is stored first: whatever happens next keeps it.
    if (!stored && !(await this.transition(held, { state: 'diagnosing', message, ...diagnosed }))) {
      return;
    }
    try {
      const after = await followUps.afterDiagnosis({
        run: (await this.options.runStore.getRun(held.run.id)) ?? held.run,
        ...diagnosed,
        progress: progressMessage => this.progress(held, progressMessage),
        guard: this.guardFor(held),
      });
      await this.transition(held, { state: 'done', message: after.message, ai: after.ai, fixPr: after.fixPr });
    } catch (error) {
      if (isLeaseLost(error)) throw error;
      this.options.logger.error(`GORT run ${held.run.id}: follow-up after diagnosis failed`, error as Error);
      await this.transition(held, {
        state: 'done',
        message: `Diagnosed as ${result.category}; the fix step failed: ${error}`,
        error: `Fix step failed: ${String(error).slice(0, 500)}`,
      });
    }
  }

  /** The rules' diagnosis from the cluster as it is now; undefined when it failed (the run is then done). */
  private async diagnoseNow(held: HeldRun, fresh: Run | undefined, diagnoser: FailureDiagnoser): Promise<Awaited<ReturnType<FailureDiagnoser['diagnose']>> | undefined> {
    const judgements = this.judge(held) as Array<ObjectJudgement & { location?: ObjectLocation; sourceLocation?: ObjectLocation }>;
    try {
      return await diagnoser.diagnose({
        run: fresh ?? held.run,
        failure: fresh?.failure ?? held.run.failure,
        judgements,
        locations: judgements.map(j => j.location).filter((l): l is ObjectLocation => Boolean(l)),
      });
    } catch (error) {
      this.options.logger.error(`GORT run ${held.run.id}: diagnosis failed`, error as Error);
      await this.transition(held, {
        state: 'done',
        message: `Diagnosis failed: ${error}`,
        category: 'unknown',
        error: `Diagnosis failed: ${String(error).slice(0, 500)}`,
      });
      return undefined;
    }
  }

  /**
   * Follow-ups read the watched objects (spec.path, evidence) from the watch
   * cache; right after a restart it may still be listing. Waits a bounded time,
   * then goes on with what there is.
   */
  private async untilWatchesSynced(held: HeldRun): Promise<void> {
    const { lookup } = this.options;
    const synced = () => held.run.objects.every(o => {
      const cluster = lookup.resolveCluster(o.cluster);
      return !cluster || !lookup.hasCluster(cluster) || lookup.isSynced(cluster, o.kind);
    });
    const until = Date.now() + WATCH_SYNC_WAIT_MS;
    while (!synced() && Date.now() < until && !this.stopped) {
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  /**
   * Watches of different kinds deliver independently: the Kustomization that
   * applied a HelmRelease may reach the cache at the pushed commit while the
   * cache still holds the release from before the apply, which then looks
   * reconciled. A release tied to the commit only through its parent is read
   * live before a success is declared; if the live object does not succeed,
   * the run keeps waiting for the watch (undefined: nothing to confirm, or the
   * read failed, and the cache's verdict stands).
   */
  private async confirmedLive(held: HeldRun): Promise<ReturnType<typeof combineVerdicts> | undefined> {
    const reader = this.options.liveReader;
    const releases = held.run.objects.filter(o => o.kind === 'HelmRelease');
    if (!reader || releases.length === 0) return undefined;
    const { lookup } = this.options;
    const live = new Map<string, KubeObject | undefined>();
    try {
      for (const o of releases) {
        const cluster = lookup.resolveCluster(o.cluster);
        if (!cluster) continue;
        const location = { cluster, kind: o.kind, namespace: o.namespace, name: o.name };
        live.set(locationKey(location), await reader.read(location));
      }
    } catch (error) {
      this.options.logger.warn(`GORT run ${held.run.id}: could not confirm its HelmReleases with the API server (${error}); the watch cache's verdict stands`);
      return undefined;
    }
    const overlay: FluxObjectLookup = {
      resolveCluster: name => lookup.resolveCluster(name),
      hasCluster: name => lookup.hasCluster(name),
      isSynced: (cluster, kind) => lookup.isSynced(cluster, kind),
      clusterProblem: lookup.clusterProblem?.bind(lookup),
      notServed: lookup.notServed?.bind(lookup),
      get: (cluster, kind, namespace, name) => {
        const key = locationKey({ cluster, kind, namespace, name });
        return live.has(key) ? live.get(key) : lookup.get(cluster, kind, namespace, name);
      },
      list: (cluster, kind) =>
        lookup.list(cluster, kind).map(object => {
          const key = locationKey({ cluster, kind, namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' });
          return (live.has(key) ? live.get(key) : object) ?? object;
        }),
    };
    const now = this.clock();
    const again = held.run.objects.map(o => judgeRunObject(o, held.run.sha, overlay, now));
    return combineVerdicts(again);
  }
}
