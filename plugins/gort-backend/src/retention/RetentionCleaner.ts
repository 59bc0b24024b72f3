import type { LoggerService } from '@backstage/backend-plugin-api';
import type { RetentionConfig } from '../config/readGortConfig';
import type { RunStore } from '../database/RunStore';

/** What the cleaner removes besides runs. */
export interface AiCachePruner {
  prune(before: Date): Promise<number>;
}

export interface RetentionResult {
  runs: number;
  evidence: number;
  deliveries: number;
  aiCache: number;
  /** Rows of posted check runs and statuses (kept as long as runs). */
  verdictChecks: number;
}

const BATCH = 500;

/**
 * The one scheduled cleaner: finished runs with their timelines, the
 * evidence of older runs, delivery ids and cached AI answers, each after its
 * retention period. Runs go in batches so no transaction grows large; runs
 * still active are never touched.
 */
export class RetentionCleaner {
  constructor(
    private readonly deps: {
      runStore: RunStore;
      aiCache?: AiCachePruner;
      verdictChecks?: AiCachePruner;
      retention: RetentionConfig;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {}

  async clean(abortSignal?: AbortSignal): Promise<RetentionResult> {
    const { runStore, aiCache, verdictChecks, retention, logger } = this.deps;
    const now = (this.deps.clock ?? (() => new Date()))().getTime();
    const before = (ms: number) => new Date(now - ms);
    const result: RetentionResult = { runs: 0, evidence: 0, deliveries: 0, aiCache: 0, verdictChecks: 0 };
    result.runs = await this.inBatches(n => runStore.pruneRuns(before(retention.runsMs), n), abortSignal);
    result.evidence = await this.inBatches(n => runStore.pruneEvidence(before(retention.evidenceMs), n), abortSignal);
    result.deliveries = await runStore.pruneDeliveries(before(retention.deliveriesMs));
    result.aiCache = (await aiCache?.prune(before(retention.aiCacheMs))) ?? 0;
    result.verdictChecks = (await verdictChecks?.prune(before(retention.runsMs))) ?? 0;
    if (Object.values(result).some(n => n > 0)) {
      logger.info(
        `GORT retention: removed ${result.runs} finished run(s), the evidence of ${result.evidence} run(s), ` +
          `${result.deliveries} delivery id(s), ${result.aiCache} cached AI answer(s) and ${result.verdictChecks} posted check record(s)`,
      );
    }
    return result;
  }

  private async inBatches(prune: (limit: number) => Promise<number>, abortSignal?: AbortSignal): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await prune(BATCH);
      total += removed;
      if (removed < BATCH || abortSignal?.aborted) return total;
    }
  }
}
