import type { Knex } from 'knex';

const TABLE = 'gort_manual_run_limits';

export interface ManualRunLimit {
  /** Manual runs one user may ask for one entity per window. */
  max: number;
  windowMs: number;
}

export type ManualRunDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

/** Counts manual run requests per entity and user (`POST /runs`). */
export interface ManualRunLimiter {
  take(entityRef: string, userRef: string): Promise<ManualRunDecision>;
}

/**
 * A fixed-window counter in the database, so that the limit holds across
 * replicas: the increment is one atomic upsert, never read-then-write.
 */
export class DatabaseManualRunLimiter implements ManualRunLimiter {
  constructor(
    private readonly db: Knex,
    private readonly limit: ManualRunLimit,
    private readonly clock: () => number = Date.now,
  ) {}

  async take(entityRef: string, userRef: string): Promise<ManualRunDecision> {
    const now = this.clock();
    const { max, windowMs } = this.limit;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const rows = await this.db(TABLE)
      .insert({ entity_ref: entityRef, user_ref: userRef, window_start: windowStart, count: 1 })
      .onConflict(['entity_ref', 'user_ref', 'window_start'])
      .merge({ count: this.db.raw('??.?? + 1', [TABLE, 'count']) })
      .returning('count');
    const count = Number((rows[0] as { count: number | string }).count);
    // Old windows are never read again.
    await this.db(TABLE).where('window_start', '<', windowStart - windowMs).delete();
    if (count > max) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)) };
    }
    return { allowed: true, remaining: max - count };
  }
}
