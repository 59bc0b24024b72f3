import { LoggerService } from '@backstage/backend-plugin-api';
import type { Watcher } from '@gort-backstage/plugin-gort-common';
import { RunStore } from '../database/RunStore';
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
}

/** Why a watcher does not start runs, or undefined when it does. */
export function watcherSkipReason(watcher: Watcher): string | undefined {
  if (watcher.mode === 'off') return 'mode is off';
  if (watcher.objects.length === 0) return 'no valid Flux object is named';
  return undefined;
}

/**
 * Turns a push into queued runs, once per delivery. Quick by design: the
 * webhook is acknowledged as soon as the runs are stored; the run processor
 * does the rest out of band.
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
    const { watcherStore, runStore, logger } = this.deps;
    if (!(await runStore.recordDelivery(delivery.deliveryId, delivery.via))) {
      return { status: 'duplicate', runIds: [], reason: `delivery ${delivery.deliveryId} was already handled` };
    }
    const watchers = await watcherStore.findByPush(event.repo, event.branch, event.isDefaultBranch);
    const runIds: string[] = [];
    const skipped: string[] = [];
    for (const watcher of watchers) {
      const skip = watcherSkipReason(watcher);
      if (skip) {
        skipped.push(`${watcher.entityRef}: ${skip}`);
        continue;
      }
      const result = await runStore.createRun({
        entityRef: watcher.entityRef,
        objects: watcher.objects,
        repo: `${event.repo.owner}/${event.repo.repo}`,
        branch: event.branch,
        sha: event.after,
        beforeSha: event.before,
        trigger: 'push',
        deliveryId: delivery.deliveryId,
        commit: event.headCommit
          ? {
              message: event.headCommit.message,
              author: event.headCommit.author,
              url: event.headCommit.url,
              timestamp: event.headCommit.timestamp,
            }
          : undefined,
        timeoutMs: watcher.reconcileTimeoutMs ?? this.deps.defaultTimeoutMs,
      });
      if (result.created) {
        runIds.push(result.runId);
        this.deps.lifecycle?.runCreated({ runId: result.runId, entityRef: watcher.entityRef, trigger: 'push', createdAt: result.createdAt, superseded: result.superseded });
      }
    }
    const status: IngestStatus = runIds.length > 0 ? 'accepted' : 'ignored';
    await runStore.finishDelivery(delivery.deliveryId, status === 'accepted' ? 'accepted' : 'ignored', runIds);
    const repo = `${event.repo.owner}/${event.repo.repo}@${event.branch}`;
    logger.info(
      `Push ${event.after.slice(0, 7)} to ${repo} (delivery ${delivery.deliveryId} via ${delivery.via}): ` +
        `${runIds.length} run(s) queued${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}`,
    );
    return {
      status,
      runIds,
      ...(status === 'ignored'
        ? { reason: watchers.length === 0 ? `no entity follows ${repo}` : skipped.join('; ') }
        : {}),
    };
  }
}
