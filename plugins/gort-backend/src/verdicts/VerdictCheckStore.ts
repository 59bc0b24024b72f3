import DataLoader from 'dataloader';
import type { Knex } from 'knex';

const TABLE = 'gort_verdict_checks';
const RUNS = 'gort_runs';

/**
 * Stored as the last posted state of a run superseded before its first
 * check: it never gets one, on this replica or another.
 */
export const NEVER_POSTED = 'never-posted|superseded';
/** Stored by the catch-up for a finished run whose entity has checks off. */
export const CHECKS_OFF = 'never-posted|off';
const NOT_POSTED_PREFIX = 'never-posted|';
/** How the posted key of a finished run's check starts (see `postedKey`). */
const COMPLETED_PREFIX = 'completed|';

export type VerdictChannelKind = 'check-run' | 'status';

export interface VerdictCheckKey {
  /** The run, or `commit:<repo>@<sha>` for the aggregate check of a commit. */
  runId: string;
  /** Empty for a check that covers every cluster of the run. */
  cluster: string;
}

export interface VerdictCheckRecord extends VerdictCheckKey {
  repo: string;
  sha: string;
  name: string;
  channel: VerdictChannelKind;
  checkRunId?: number;
  lastPosted?: string;
  /** When the row was claimed (ms since the epoch). */
  claimedAt?: number;
}

export type ClaimInput = Omit<VerdictCheckRecord, 'checkRunId' | 'claimedAt'>;

/**
 * Where a verdict was posted. The database's unique (run, cluster) key is what
 * keeps a redelivery or a second replica from creating a second check.
 */
export interface VerdictCheckStore {
  /**
   * The row for the key, inserted by this call (`created`) or found. A new
   * row starts with `lastPosted` when one is given (a check decided against
   * before anything was posted).
   */
  claim(record: ClaimInput): Promise<{ record: VerdictCheckRecord; created: boolean }>;
  get(key: VerdictCheckKey): Promise<VerdictCheckRecord | undefined>;
  /** Stores the GitHub id unless one is stored already; returns the id that holds. */
  setCheckRunId(key: VerdictCheckKey, checkRunId: number): Promise<number>;
  markPosted(key: VerdictCheckKey, posted: string): Promise<void>;
  /** Removes a claim that has no check yet (its creation was given up). */
  release(key: VerdictCheckKey): Promise<void>;
  /** Removes rows older than `before` (retention). */
  prune(before: Date): Promise<number>;
  /**
   * Runs finished in [after, before) whose verdict no check shows: one of
   * their checks is not completed, or a run that was not superseded has no
   * check at all (nor a completed aggregate check of its commit). Newest
   * first, at most `limit`.
   */
  finishedRunsNotShown(window: { after: Date; before: Date; limit: number }): Promise<string[]>;
}

interface Row {
  run_id: string;
  cluster: string;
  repo: string;
  sha: string;
  name: string;
  channel: string;
  check_run_id: number | string | null;
  last_posted: string | null;
  created_at?: Date | string;
  updated_at?: Date;
}

function fromRow(row: Row): VerdictCheckRecord {
  return {
    runId: row.run_id,
    cluster: row.cluster,
    repo: row.repo,
    sha: row.sha,
    name: row.name,
    channel: row.channel as VerdictChannelKind,
    ...(row.check_run_id !== null && row.check_run_id !== undefined ? { checkRunId: Number(row.check_run_id) } : {}),
    ...(row.last_posted ? { lastPosted: row.last_posted } : {}),
    ...(row.created_at ? { claimedAt: new Date(row.created_at).getTime() } : {}),
  };
}

export class DatabaseVerdictCheckStore implements VerdictCheckStore {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private where(key: VerdictCheckKey) {
    return this.db<Row>(TABLE).where({ run_id: key.runId, cluster: key.cluster });
  }

  /**
   * A burst of pushes makes many claims at once (one per superseded run);
   * the claims made within one tick are one insert and at most one read.
   */
  private readonly claims = new DataLoader<ClaimInput, { record: VerdictCheckRecord; created: boolean }>(
    inputs => this.claimAll(inputs),
    { cache: false, maxBatchSize: 100 },
  );

  claim(record: ClaimInput) {
    return this.claims.load(record);
  }

  private async claimAll(inputs: readonly ClaimInput[]) {
    const now = this.clock();
    const keyOf = (key: VerdictCheckKey) => `${key.runId}\u0000${key.cluster}`;
    const unique = new Map<string, ClaimInput>();
    for (const input of inputs) if (!unique.has(keyOf(input))) unique.set(keyOf(input), input);
    const inserted = (await this.db(TABLE)
      .insert(
        [...unique.values()].map(record => ({
          run_id: record.runId,
          cluster: record.cluster,
          repo: record.repo,
          sha: record.sha,
          name: record.name,
          channel: record.channel,
          last_posted: record.lastPosted ?? null,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict(['run_id', 'cluster'])
      .ignore()
      .returning('*')) as Row[];
    const created = new Map(inserted.map(row => [keyOf({ runId: row.run_id, cluster: row.cluster }), fromRow(row)]));
    // most claims are new (a run's first publication): the found ones cost one more read
    const missing = [...unique.values()].filter(input => !created.has(keyOf(input)));
    const found = new Map<string, VerdictCheckRecord>();
    if (missing.length > 0) {
      const rows = await this.db<Row>(TABLE)
        .whereIn('run_id', [...new Set(missing.map(m => m.runId))])
        .select();
      for (const row of rows) found.set(keyOf({ runId: row.run_id, cluster: row.cluster }), fromRow(row));
    }
    const answered = new Set<string>();
    return inputs.map(input => {
      const key = keyOf(input);
      const createdRecord = created.get(key);
      // a key claimed twice in one batch: the first claim created it
      if (createdRecord && !answered.has(key)) {
        answered.add(key);
        return { record: createdRecord, created: true };
      }
      const record = createdRecord ?? found.get(key);
      if (!record) return new Error(`The verdict check of ${input.runId} could not be stored`);
      return { record, created: false };
    });
  }

  async get(key: VerdictCheckKey) {
    const row = await this.where(key).first();
    return row ? fromRow(row) : undefined;
  }

  async setCheckRunId(key: VerdictCheckKey, checkRunId: number): Promise<number> {
    await this.where(key).whereNull('check_run_id').update({ check_run_id: checkRunId, updated_at: this.clock() });
    const row = await this.where(key).first();
    return Number(row?.check_run_id ?? checkRunId);
  }

  async release(key: VerdictCheckKey): Promise<void> {
    await this.where(key).whereNull('check_run_id').whereNull('last_posted').delete();
  }

  async markPosted(key: VerdictCheckKey, posted: string): Promise<void> {
    await this.where(key).update({ last_posted: posted, updated_at: this.clock() });
  }

  async finishedRunsNotShown(window: { after: Date; before: Date; limit: number }): Promise<string[]> {
    const checks = (alias: string) => this.db(`${TABLE} as ${alias}`).select(this.db.raw('1'));
    const rows = await this.db(`${RUNS} as r`)
      .whereIn('r.state', ['done', 'error', 'superseded'])
      .where('r.finished_at', '>=', window.after)
      .where('r.finished_at', '<', window.before)
      .where(shown =>
        shown
          // a check that still shows the run in progress
          .whereExists(
            checks('c')
              .whereRaw('c.run_id = r.id')
              .where(open =>
                open.whereNull('c.last_posted').orWhere(posted =>
                  posted
                    .whereNot('c.last_posted', 'like', `${COMPLETED_PREFIX}%`)
                    .whereNot('c.last_posted', 'like', `${NOT_POSTED_PREFIX}%`),
                ),
              ),
          )
          // or a verdict never posted anywhere (a superseded run gets a check only if it had one)
          .orWhere(none =>
            none
              .whereNot('r.state', 'superseded')
              .whereNotExists(checks('o').whereRaw('o.run_id = r.id'))
              .whereNotExists(
                checks('a')
                  .whereRaw(`a.run_id = 'commit:' || r.repo || '@' || r.sha`)
                  .where('a.last_posted', 'like', `${COMPLETED_PREFIX}%`),
              ),
          ),
      )
      .orderBy('r.finished_at', 'desc')
      .limit(window.limit)
      .select('r.id');
    return rows.map((row: { id: string }) => row.id);
  }

  async prune(before: Date): Promise<number> {
    return await this.db(TABLE).where('updated_at', '<', before).delete();
  }
}
