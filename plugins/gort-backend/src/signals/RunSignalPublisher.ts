import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  GORT_RUNS_SIGNAL_CHANNEL,
  GortRunChangeSignal,
  GortRunsChangedSignal,
  RunState,
} from '@gort-backstage/plugin-gort-common';
import type { RunLifecycle } from '../runs/RunLifecycle';

/** Broadcasts are coalesced to one per interval, whatever the number of runs. */
const DEFAULT_BROADCAST_INTERVAL_MS = 2000;
/** A run's changes within one window are sent as one signal with its latest state. */
const DEFAULT_RUN_WINDOW_MS = 200;
/** How long an entity's owners are reused before they are read again. */
const DEFAULT_OWNERS_TTL_MS = 10_000;
/** Entities whose owners are kept at most (the cache starts over beyond). */
const OWNERS_CACHE_LIMIT = 10_000;

interface PendingChange {
  entityRef: string;
  state: RunState;
  /** The run was created in this window (no signal has named it yet). */
  createdHere: boolean;
}

/**
 * Live updates of run changes. The run's content (id, entity, state) goes
 * only to the entity's owners; everyone else who may read the entity learns
 * of it from a content-free "runs changed" broadcast and re-fetches through
 * the authorized endpoints.
 *
 * Each publish is a request to the events backend (a service token, an
 * insert and a NOTIFY when several replicas share it), so changes are
 * coalesced off the caller's path: a run's changes within one window
 * (default 200 ms) become one signal carrying its latest state, and owners
 * are read once per entity and TTL. Clients re-fetch the run on a signal, so
 * the states in between are never lost to them, only not announced one by one.
 * A run created and superseded within one window was never named by a
 * signal: the signal of the run that superseded it (same entity, same
 * owners) announces both, which keeps a burst of pushes to one signal per
 * entity and window.
 */
export class RunSignalPublisher {
  private broadcastTimer?: ReturnType<typeof setTimeout>;
  private runTimer?: ReturnType<typeof setTimeout>;
  private readonly pending = new Map<string, PendingChange>();
  private readonly owners = new Map<string, { owners: Promise<string[]>; expiresAt: number }>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      signals: SignalsService;
      /** Owner entity refs of an entity (users and groups); empty when unknown. */
      ownersOf: (entityRef: string) => Promise<string[]>;
      logger: LoggerService;
      broadcastIntervalMs?: number;
      runWindowMs?: number;
      ownersTtlMs?: number;
      now?: () => number;
    },
  ) {}

  /** Publishes every run change announced on `lifecycle`; returns the unsubscribe. */
  follow(lifecycle: RunLifecycle): () => void {
    return lifecycle.subscribe(event => this.runChanged({ id: event.runId, entityRef: event.entityRef }, event.state));
  }

  /**
   * Announces a state change, in the next window; never throws (live
   * updates are best effort) and never waits for the events backend.
   */
  runChanged(run: { id: string; entityRef: string }, state: RunState): void {
    this.scheduleBroadcast();
    const pending = this.pending.get(run.id);
    if (pending?.createdHere && state === 'superseded') {
      this.pending.delete(run.id);
      return;
    }
    this.pending.set(run.id, { entityRef: run.entityRef, state, createdHere: pending ? pending.createdHere : state === 'queued' });
    if (this.runTimer) return;
    this.runTimer = setTimeout(() => {
      this.runTimer = undefined;
      this.track(this.publishPending());
    }, this.deps.runWindowMs ?? DEFAULT_RUN_WINDOW_MS);
    this.runTimer.unref?.();
  }

  /** Sends what is pending now and waits for every publish started (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.runTimer) {
      clearTimeout(this.runTimer);
      this.runTimer = undefined;
      this.track(this.publishPending());
    }
    await Promise.all([...this.inFlight]);
  }

  /** Stops pending signals and the pending broadcast (shutdown). */
  stop(): void {
    if (this.broadcastTimer) clearTimeout(this.broadcastTimer);
    this.broadcastTimer = undefined;
    if (this.runTimer) clearTimeout(this.runTimer);
    this.runTimer = undefined;
    this.pending.clear();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async publishPending(): Promise<void> {
    const changes = [...this.pending];
    this.pending.clear();
    await Promise.all(changes.map(([runId, change]) => this.publishRun(runId, change)));
  }

  private async publishRun(runId: string, { entityRef, state }: PendingChange): Promise<void> {
    try {
      const owners = await this.ownersOf(entityRef);
      if (owners.length === 0) return;
      const message: GortRunChangeSignal = { type: 'run', runId, entityRef, state };
      await this.deps.signals.publish({
        recipients: { type: 'user', entityRef: owners },
        channel: GORT_RUNS_SIGNAL_CHANNEL,
        message,
      });
    } catch (error) {
      this.deps.logger.debug(`Could not publish a run signal to the owners of ${entityRef}: ${error}`);
    }
  }

  /** The owners of an entity, read at most once per TTL (a failed read is not kept). */
  private ownersOf(entityRef: string): Promise<string[]> {
    const now = (this.deps.now ?? Date.now)();
    const cached = this.owners.get(entityRef);
    if (cached && cached.expiresAt > now) return cached.owners;
    if (this.owners.size >= OWNERS_CACHE_LIMIT) this.owners.clear();
    const owners = this.deps.ownersOf(entityRef);
    this.owners.set(entityRef, { owners, expiresAt: now + (this.deps.ownersTtlMs ?? DEFAULT_OWNERS_TTL_MS) });
    owners.catch(() => {
      if (this.owners.get(entityRef)?.owners === owners) this.owners.delete(entityRef);
    });
    return owners;
  }

  private scheduleBroadcast(): void {
    if (this.broadcastTimer) return;
    this.broadcastTimer = setTimeout(() => {
      this.broadcastTimer = undefined;
      const message: GortRunsChangedSignal = { type: 'runs-changed' };
      this.deps.signals
        .publish({ recipients: { type: 'broadcast' }, channel: GORT_RUNS_SIGNAL_CHANNEL, message })
        .catch(error => this.deps.logger.debug(`Could not broadcast a runs-changed signal: ${error}`));
    }, this.deps.broadcastIntervalMs ?? DEFAULT_BROADCAST_INTERVAL_MS);
    this.broadcastTimer.unref?.();
  }
}
