import type { Knex } from 'knex';

const TABLE = 'gort_verdict_checks';

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

/**
 * Where a verdict was posted. The database's unique (run, cluster) key is what
 * keeps a redelivery or a second replica from creating a second check.
 */
export interface VerdictCheckStore {
  /** The row for the key, inserted by this call (`created`) or found. */
  claim(record: Omit<VerdictCheckRecord, 'checkRunId' | 'lastPosted' | 'claimedAt'>): Promise<{ record: VerdictCheckRecord; created: boolean }>;
  get(key: VerdictCheckKey): Promise<VerdictCheckRecord | undefined>;
  /** Stores the GitHub id unless one is stored already; returns the id that holds. */
  setCheckRunId(key: VerdictCheckKey, checkRunId: number): Promise<number>;
  markPosted(key: VerdictCheckKey, posted: string): Promise<void>;
  /** Removes rows older than `before` (retention). */
  prune(before: Date): Promise<number>;
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

  async claim(record: Omit<VerdictCheckRecord, 'checkRunId' | 'lastPosted' | 'claimedAt'>) {
    const now = this.clock();
    const inserted = await this.db(TABLE)
      .insert({
        run_id: record.runId,
        cluster: record.cluster,
        repo: record.repo,
        sha: record.sha,
        name: record.name,
        channel: record.channel,
        created_at: now,
        updated_at: now,
      })
      .onConflict(['run_id', 'cluster'])
      .ignore()
      .returning('*');
    // a new check (most are: a run's first publication) costs this one statement
    if (inserted.length > 0)
      return { record: fromRow(inserted[0] as Row), created: true };
    const row = await this.where(record).first();
    if (!row)
      throw new Error(
        `The verdict check of ${record.runId} could not be stored`,
      );
    return { record: fromRow(row), created: false };
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

  async markPosted(key: VerdictCheckKey, posted: string): Promise<void> {
    await this.where(key).update({ last_posted: posted, updated_at: this.clock() });
  }

  async prune(before: Date): Promise<number> {
    return await this.db(TABLE).where('updated_at', '<', before).delete();
  }
}
