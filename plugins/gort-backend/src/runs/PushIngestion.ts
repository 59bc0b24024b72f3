import { LoggerService } from '@backstage/backend-plugin-api';
import type { Watcher } from '@gort-backstage/plugin-gort-common';
import { CreateRunResult, NewRun, RunStore } from '../database/RunStore';
import { WatcherStore } from '../database/WatcherStore';
import type { PushEvent } from '../webhook/pushEvent';
import { RunLifecycle } from './RunLifecycle';

export type IngestStatus = 'accepted' | 'duplicate' | 'ignored';

export interface IngestResult {
  status: IngestStatus;
  runIds: string[];
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
export function runForPush(event: PushEvent, watcher: Watcher, deliveryId: string, defaultTimeoutMs: number): NewRun {
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

/**
 * Turns a push into queued runs, once per delivery. Quick by design: the
 * delivery and all its runs are stored in one transaction, the webhook is
 * acknowledged, and the run processor does the rest out of band.
 */
export class PushIngestion {
  constructor(
    private readonly deps: {
      watcherStore: WatcherStore;
      runStore: RunStore;
      logger: LoggerService;
      defaultTimeoutMs: number;
      lifecycle?: RunLifecycle;
    },
  ) {}

  async ingest(event: PushEvent, delivery: DeliveryInfo): Promise<IngestResult> {
    const { watcherStore, runStore, logger, lifecycle } = this.deps;
    const watchers = await watcherStore.findByPush(event.repo, event.branch, event.isDefaultBranch);
    const skipped: string[] = [];
    const runs: NewRun[] = [];
    for (const watcher of watchers) {
      const skip = watcherSkipReason(watcher);
      if (skip) skipped.push(`${watcher.entityRef}: ${skip}`);
      else runs.push(runForPush(event, watcher, delivery.deliveryId, this.deps.defaultTimeoutMs));
    }
    const stored = await runStore.ingestDelivery({ deliveryId: delivery.deliveryId, source: delivery.via, bodyHash: delivery.bodyHash, runs });
    if (stored.duplicate && stored.replayOf) {
      logger.warn(`Delivery ${delivery.deliveryId} via ${delivery.via} replays the body of delivery ${stored.replayOf}; ignored`);
      return { status: 'duplicate', runIds: [], reason: `the same body was already handled as delivery ${stored.replayOf}` };
    }
    if (stored.duplicate) {
      return { status: 'duplicate', runIds: [], reason: `delivery ${delivery.deliveryId} was already handled` };
    }
    const created = stored.runs.filter(r => r.created);
    skipped.push(...stored.runs.filter(r => !r.created).map(notCreated));
    for (const run of created) {
      lifecycle?.runCreated({ runId: run.runId, entityRef: run.entityRef, trigger: 'push', createdAt: run.createdAt, superseded: run.superseded });
    }
    const repo = `${event.repo.owner}/${event.repo.repo}@${event.branch}`;
    logger.info(
      `Push ${event.after.slice(0, 7)} to ${repo} (delivery ${delivery.deliveryId} via ${delivery.via}): ` +
        `${created.length} run(s) queued${skipped.length ? `; skipped ${skipped.slice(0, 20).join('; ')}${skipped.length > 20 ? ` and ${skipped.length - 20} more` : ''}` : ''}`,
    );
    const runIds = created.map(r => r.runId);
    if (runIds.length > 0) return { status: 'accepted', runIds };
    return {
      status: 'ignored',
      runIds,
      reason: watchers.length === 0 ? `no entity follows ${repo}` : skipped.slice(0, 20).join('; '),
    };
  }
}
