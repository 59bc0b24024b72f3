import { Knex } from 'knex';

export type PrState = 'open' | 'merged' | 'closed';

export interface FixPrRecord {
  id: number;
  fingerprint: string;
  entityRef: string;
  repo: string;
  number: number;
  url: string;
  branch: string;
  state: PrState;
  afterMerge: boolean;
  runIds: string[];
  sha: string;
  /** The commit GORT last pushed to the branch (unknown for PRs recorded before it was kept). */
  headSha?: string;
  createdAt: Date;
}

const TABLE = 'gort_fix_prs';

function toRecord(row: any): FixPrRecord {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    entityRef: row.entity_ref,
    repo: row.repo,
    number: row.number,
    url: row.url,
    branch: row.branch,
    state: row.state,
    afterMerge: Boolean(row.after_merge),
    runIds: JSON.parse(row.run_ids),
    sha: row.sha,
    headSha: row.head_sha ?? undefined,
    createdAt: new Date(row.created_at),
  };
}

/** GORT's fix pull requests, by failure fingerprint. */
export class FixPrStore {
  constructor(private readonly db: Knex) {}

  async latestFor(fingerprint: string): Promise<FixPrRecord | undefined> {
    const row = await this.db(TABLE).where({ fingerprint }).orderBy('id', 'desc').first();
    return row ? toRecord(row) : undefined;
  }

  async findByNumber(repo: string, number: number): Promise<FixPrRecord | undefined> {
    const row = await this.db(TABLE).where({ repo, number }).orderBy('id', 'desc').first();
    return row ? toRecord(row) : undefined;
  }

  /** PRs opened for this failure after a GORT PR for it was merged. */
  async countAfterMerge(fingerprint: string): Promise<number> {
    const row = await this.db(TABLE).where({ fingerprint, after_merge: true }).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async insert(record: Omit<FixPrRecord, 'id' | 'createdAt'>): Promise<void> {
    const now = new Date();
    await this.db(TABLE).insert({
      fingerprint: record.fingerprint,
      entity_ref: record.entityRef,
      repo: record.repo,
      number: record.number,
      url: record.url,
      branch: record.branch,
      state: record.state,
      after_merge: record.afterMerge,
      run_ids: JSON.stringify(record.runIds),
      sha: record.sha,
      head_sha: record.headSha ?? null,
      created_at: now,
      updated_at: now,
    });
  }

  /** Another run answered by the PR; `headSha` when GORT pushed a new commit to the branch. */
  async recordUpdate(id: number, runId: string, sha: string, headSha?: string): Promise<void> {
    const row = await this.db(TABLE).where({ id }).first();
    if (!row) return;
    const runIds = [...new Set([...JSON.parse(row.run_ids), runId])];
    await this.db(TABLE)
      .where({ id })
      .update({ run_ids: JSON.stringify(runIds), sha, ...(headSha ? { head_sha: headSha } : {}), updated_at: new Date() });
  }

  async setState(id: number, state: PrState): Promise<void> {
    await this.db(TABLE).where({ id }).update({ state, updated_at: new Date() });
  }

  async listOpen(limit = 200): Promise<FixPrRecord[]> {
    const rows = await this.db(TABLE).where({ state: 'open' }).orderBy('id', 'asc').limit(limit);
    return rows.map(toRecord);
  }
}
