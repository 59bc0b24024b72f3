import { LoggerService } from '@backstage/backend-plugin-api';
import type { Watcher } from '@gort-backstage/plugin-gort-common';
import type {
  DeliveryInbox,
  InboxDelivery,
  InboxPush,
} from '../database/DeliveryInbox';
import { CreateRunResult, NewRun, RunStore } from '../database/RunStore';
import { WatcherStore } from '../database/WatcherStore';
import type { PushEvent } from '../webhook/pushEvent';
import { RunLifecycle } from './RunLifecycle';

export type IngestStatus = 'accepted' | 'duplicate' | 'ignored';

export interface IngestResult {
  status: IngestStatus;
  /** Runs the push starts (fewer when runs already follow its commit). */
  queued: number;
  reason?: string;
}

export interface DeliveryInfo {
  deliveryId: string;
  /** Where it came from: the webhook endpoint or the events system. */
  via: 'webhook' | 'events';
  /** sha256 of the payload, to recognise a replay under a new delivery id. */
  bodyHash?: string;
}

/** Why a watcher does not start runs, or undefined when it does. */
export function watcherSkipReason(watcher: Watcher): string | undefined {
  if (watcher.mode === 'off') return 'mode is off';
  if (watcher.objects.length === 0) return 'no valid Flux object is named';
  return undefined;
}

/** The run a push starts for one watcher. */
export function runForPush(
  event: InboxPush,
  watcher: Watcher,
  deliveryId: string,
  defaultTimeoutMs: number,
): NewRun {
  return {
    entityRef: watcher.entityRef,
    objects: watcher.objects,
    repo: `${event.repo.owner}/${event.repo.repo}`,
    branch: event.branch,
    sha: event.after,
    beforeSha: event.before,
    forced: event.forced,
    trigger: 'push',
    deliveryId,
    commit: event.headCommit
      ? {
          message: event.headCommit.message,
          author: event.headCommit.author,
          url: event.headCommit.url,
          timestamp: event.headCommit.timestamp,
        }
      : undefined,
    timeoutMs: watcher.reconcileTimeoutMs ?? defaultTimeoutMs,
  };
}

function notCreated(result: CreateRunResult): string {
  return result.reason === 'older-commit'
    ? `${result.entityRef}: an older commit than run ${result.runId}, which was pushed on top of it`
    : `${result.entityRef}: run ${result.runId} already follows this commit`;
}

function listed(items: string[]): string {
  return `${items.slice(0, 20).join('; ')}${
    items.length > 20 ? ` and ${items.length - 20} more` : ''
  }`;
}

/** The parts of a push its runs need: what the inbox keeps. */
export function inboxPush(event: PushEvent): InboxPush {
  const { repo, branch, isDefaultBranch, before, after, forced, headCommit } =
    event;
  return {
    repo,
    branch,
    isDefaultBranch,
    before,
    after,
    forced,
    ...(headCommit ? { headCommit } : {}),
  };
}

/** Deliveries drained together (their runs share the store's group commit). */
const DRAIN_BATCH = 100;
/** How long the drain waits for more deliveries before it starts a batch. */
const DEFAULT_DRAIN_WINDOW_MS = 20;
/**
 * An inbox delivery older than this is taken to be left behind (by a
 * replica that stopped, or after a failed drain) and drained by whichever
 * replica's scheduled pass finds it. Draining one twice is harmless.
 */
const LEFT_BEHIND_MS = 10_000;

function retryAfterMs(attempts: number): number {
  return Math.min(1000 * 2 ** attempts, 5 * 60_000);
}

/** Drains that store at most this many deliveries log each at info. */
const SEPARATE_LOG_LINES = 5;

/** Failed drains this process retries itself (1 + 2 + 4 + 8 + 16 s); later ones are left to the scheduled pass. */
const IN_PROCESS_RETRIES = 5;

interface Plan {
  runs: NewRun[];
  skipped: string[];
  watchers: number;
}

/**
 * Turns a push into queued runs, once per delivery. The webhook answers as
 * soon as the delivery is in the inbox (one insert); the drain then stores
 * the delivery with all its runs in one transaction and removes it from
 * the inbox. Deliveries this process received are drained at once, in
 * arrival order and in batches, and retried with backoff when the drain
 * fails; a scheduled pass drains any that were left behind, so a crash or a
 * database failure after the answer loses none.
 */
export class PushIngestion {
  private readonly queue: InboxDelivery[] = [];
  private draining?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly deps: {
      watcherStore: WatcherStore;
      runStore: RunStore;
      inbox: DeliveryInbox;
      logger: LoggerService;
      defaultTimeoutMs: number;
      lifecycle?: RunLifecycle;
      drainWindowMs?: number;
      clock?: () => Date;
    },
  ) {}

  /** Stores the delivery in the inbox and says what it will start; the runs follow out of band. */
  async accept(
    event: PushEvent,
    delivery: DeliveryInfo,
  ): Promise<IngestResult> {
    const push = inboxPush(event);
    const plan = await this.plan(push, delivery.deliveryId);
    const stored = await this.deps.inbox.enqueue({
      deliveryId: delivery.deliveryId,
      source: delivery.via,
      bodyHash: delivery.bodyHash,
      push,
    });
    if (stored.duplicate && stored.replayOf) {
      this.deps.logger.warn(
        `Delivery ${delivery.deliveryId} via ${delivery.via} replays the body of delivery ${stored.replayOf}; ignored`,
      );
      return {
        status: 'duplicate',
        queued: 0,
        reason: `the same body was already handled as delivery ${stored.replayOf}`,
      };
    }
    if (stored.duplicate) {
      return {
        status: 'duplicate',
        queued: 0,
        reason: `delivery ${delivery.deliveryId} was already handled`,
      };
    }
    if (!this.stopped) {
      this.queue.push({
        deliveryId: delivery.deliveryId,
        source: delivery.via,
        bodyHash: delivery.bodyHash,
        push,
        attempts: 0,
      });
      this.kick();
    }
    if (plan.runs.length > 0)
      return { status: 'accepted', queued: plan.runs.length };
    return {
      status: 'ignored',
      queued: 0,
      reason:
        plan.watchers === 0
          ? `no entity follows ${pushName(push)}`
          : listed(plan.skipped),
    };
  }

  /** Scheduled: drains deliveries left in the inbox (by any replica) that are due. */
  async drainLeftBehind(signal?: AbortSignal): Promise<number> {
    let drained = 0;
    for (;;) {
      const now = (this.deps.clock ?? (() => new Date()))();
      const due = await this.deps.inbox.due(
        new Date(now.getTime() - LEFT_BEHIND_MS),
        DRAIN_BATCH,
      );
      if (due.length === 0 || signal?.aborted || this.stopped) return drained;
      this.deps.logger.info(
        `Draining ${due.length} push deliveries left in the inbox (oldest ${due[0].deliveryId})`,
      );
      const ok = await this.drainBatch(due);
      drained += ok;
      if (ok === 0 || due.length < DRAIN_BATCH) return drained;
    }
  }

  /** Resolves once every delivery received so far has been drained (or failed and been put back). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Takes no more deliveries into the in-process queue and waits for the drain in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = (async () => {
      await new Promise(resolve =>
        setTimeout(resolve, this.deps.drainWindowMs ?? DEFAULT_DRAIN_WINDOW_MS),
      );
      while (this.queue.length > 0)
        await this.drainBatch(this.queue.splice(0, DRAIN_BATCH), failed =>
          this.retryLater(failed),
        );
    })()
      .catch(error =>
        this.deps.logger.error(`The push delivery drain failed: ${error}`),
      )
      .finally(() => {
        this.draining = undefined;
        if (this.queue.length > 0) this.kick();
      });
  }

  private retryLater(delivery: InboxDelivery): void {
    if (this.stopped || delivery.attempts + 1 >= IN_PROCESS_RETRIES) return;
    const timer = setTimeout(() => {
      if (this.stopped) return;
      this.queue.push({ ...delivery, attempts: delivery.attempts + 1 });
      this.kick();
    }, retryAfterMs(delivery.attempts));
    timer.unref?.();
  }

  private async plan(push: InboxPush, deliveryId: string): Promise<Plan> {
    const watchers = await this.deps.watcherStore.findByPush(
      push.repo,
      push.branch,
      push.isDefaultBranch,
    );
    const plan: Plan = { runs: [], skipped: [], watchers: watchers.length };
    for (const watcher of watchers) {
      const skip = watcherSkipReason(watcher);
      if (skip) plan.skipped.push(`${watcher.entityRef}: ${skip}`);
      else
        plan.runs.push(
          runForPush(push, watcher, deliveryId, this.deps.defaultTimeoutMs),
        );
    }
    return plan;
  }

  /**
   * Stores each delivery with its runs, in arrival order, then removes the
   * stored ones from the inbox; a failed one stays there, due again later.
   * Returns how many left the inbox.
   */
  private async drainBatch(
    deliveries: InboxDelivery[],
    onFailed?: (delivery: InboxDelivery) => void,
  ): Promise<number> {
    const { runStore, inbox, logger } = this.deps;
    const plans: Array<Plan | undefined> = [];
    for (const delivery of deliveries)
      plans.push(
        await this.plan(delivery.push, delivery.deliveryId).catch(
          () => undefined,
        ),
      );
    // called in order, so the store's group commit keeps arrival order
    const stored = deliveries.map((delivery, i) => {
      const plan = plans[i];
      if (!plan)
        return Promise.reject(new Error('the watchers could not be read'));
      return runStore.ingestDelivery({
        deliveryId: delivery.deliveryId,
        source: delivery.source,
        bodyHash: delivery.bodyHash,
        runs: plan.runs,
      });
    });
    const outcomes = await Promise.allSettled(stored);
    const done: string[] = [];
    const announced: string[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const delivery = deliveries[i];
      if (outcome.status === 'rejected') {
        const retryMs = retryAfterMs(delivery.attempts);
        logger.warn(
          `Push delivery ${
            delivery.deliveryId
          } could not be turned into runs (attempt ${
            delivery.attempts + 1
          }); ` +
            `it stays in the inbox and is tried again in ${Math.round(
              retryMs / 1000,
            )} s: ${outcome.reason}`,
        );
        await inbox
          .failed(delivery.deliveryId, String(outcome.reason), retryMs)
          .catch(error =>
            logger.warn(
              `Could not record the failed drain of ${delivery.deliveryId}: ${error}`,
            ),
          );
        onFailed?.(delivery);
        continue;
      }
      done.push(delivery.deliveryId);
      if (!outcome.value.duplicate)
        announced.push(this.announce(delivery, plans[i]!, outcome.value.runs));
    }
    await inbox.remove(done);
    this.logStored(announced);
    return done.length;
  }

  /**
   * One line per delivery at info, as long as a drain stores a few; a burst
   * gets one line per batch, and each delivery's line at debug (a log line
   * per push is most of what a burst costs beyond storing it).
   */
  private logStored(lines: string[]): void {
    const { logger } = this.deps;
    if (lines.length <= SEPARATE_LOG_LINES) {
      for (const line of lines) logger.info(line);
      return;
    }
    for (const line of lines) logger.debug(line);
    logger.info(
      `Stored ${lines.length} push deliveries in one drain (each at debug level); the first: ${lines[0]}`,
    );
  }

  /** Announces the runs a stored delivery created; returns its log line. */
  private announce(
    delivery: InboxDelivery,
    plan: Plan,
    results: CreateRunResult[],
  ): string {
    const created = results.filter(r => r.created);
    const skipped = [
      ...plan.skipped,
      ...results.filter(r => !r.created).map(notCreated),
    ];
    for (const run of created) {
      this.deps.lifecycle?.runCreated({
        runId: run.runId,
        entityRef: run.entityRef,
        trigger: 'push',
        createdAt: run.createdAt,
        superseded: run.superseded,
      });
    }
    return (
      `Push ${delivery.push.after.slice(0, 7)} to ${pushName(
        delivery.push,
      )} (delivery ${delivery.deliveryId} via ${delivery.source}): ` +
      `${created.length} run(s) queued${
        skipped.length ? `; skipped ${listed(skipped)}` : ''
      }`
    );
  }
}

function pushName(push: InboxPush): string {
  return `${push.repo.owner}/${push.repo.repo}@${push.branch}`;
}
