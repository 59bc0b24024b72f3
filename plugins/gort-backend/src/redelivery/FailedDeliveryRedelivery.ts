import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ScmRepositoryRef } from '@gort-backstage/plugin-gort-node';
import { HookDelivery, selectRedeliveries } from './selectRedeliveries';

/** A repository webhook GORT owns: `gort.webhook.redelivery.repositories[]`. */
export interface OwnedHook {
  /** `owner/repo`. */
  repo: string;
  hookId: number;
}

/** The hook deliveries API (GitHub's REST API in production). */
export interface HookDeliveriesPort {
  /** Deliveries of the hook, newest first, at least back to `since` (more may come). */
  list(repo: ScmRepositoryRef, hookId: number, since: Date): Promise<HookDelivery[]>;
  /** Asks GitHub to send delivery `deliveryId` again (same guid and body). */
  redeliver(repo: ScmRepositoryRef, hookId: number, deliveryId: number): Promise<void>;
}

export interface RedeliveryCheckResult {
  redelivered: number;
  failed: number;
  gaveUp: number;
}

/**
 * The scheduled check of failed deliveries (issue #12): GitHub does not
 * redeliver a failed delivery by itself, so a push that reached a backend
 * that was down or answered 5xx is lost unless someone asks. For each hook
 * GORT owns, lists the deliveries of the look-back window, and redelivers
 * the failed push deliveries GORT never stored (see selectRedeliveries).
 * The redelivery then goes through the webhook as any delivery, so its runs
 * are created exactly once.
 */
export class FailedDeliveryRedelivery {
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      hooks: OwnedHook[];
      api: HookDeliveriesPort;
      /** Which delivery ids the database holds. */
      knownDeliveryIds(ids: string[]): Promise<Set<string>>;
      lookBackMs: number;
      maxRedeliveries: number;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async check(abortSignal?: AbortSignal): Promise<RedeliveryCheckResult> {
    const total: RedeliveryCheckResult = { redelivered: 0, failed: 0, gaveUp: 0 };
    for (const hook of this.options.hooks) {
      if (abortSignal?.aborted) break;
      try {
        const result = await this.checkHook(hook, abortSignal);
        total.redelivered += result.redelivered;
        total.failed += result.failed;
        total.gaveUp += result.gaveUp;
      } catch (error) {
        // One repository GitHub will not answer for does not stop the others.
        total.failed++;
        this.options.logger.warn(`GORT could not check the failed deliveries of hook ${hook.hookId} on ${hook.repo}: ${error}`);
      }
    }
    return total;
  }

  private async checkHook(hook: OwnedHook, abortSignal?: AbortSignal): Promise<RedeliveryCheckResult> {
    const { api, logger } = this.options;
    const [owner, repo] = hook.repo.split('/');
    const ref = { owner, repo };
    const since = new Date(this.clock().getTime() - this.options.lookBackMs);
    const deliveries = await api.list(ref, hook.hookId, since);
    const known = await this.options.knownDeliveryIds([...new Set(deliveries.map(d => d.guid))]);
    const { redeliver, gaveUp } = selectRedeliveries(deliveries, { since, known, maxRedeliveries: this.options.maxRedeliveries });
    for (const guid of gaveUp) {
      logger.warn(`GORT gave up on push delivery ${guid} of ${hook.repo}: redelivered ${this.options.maxRedeliveries} time(s), never accepted`);
    }
    let redelivered = 0;
    let failed = 0;
    for (const delivery of redeliver) {
      if (abortSignal?.aborted) break;
      try {
        await api.redeliver(ref, hook.hookId, delivery.id);
        redelivered++;
        logger.info(
          `GORT asked GitHub to redeliver push delivery ${delivery.guid} of ${hook.repo} (failed with ${delivery.statusCode || 'no answer'} at ${delivery.deliveredAt})`,
        );
      } catch (error) {
        failed++;
        logger.warn(`GORT could not redeliver delivery ${delivery.id} (${delivery.guid}) of ${hook.repo}: ${error}`);
      }
    }
    return { redelivered, failed, gaveUp: gaveUp.length };
  }
}
