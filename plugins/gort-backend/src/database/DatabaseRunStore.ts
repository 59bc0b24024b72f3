import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  ACTIVE_RUN_STATES,
  Run,
  RunFixPr,
  RunList,
  RunObjectVerdict,
  RunState,
  RunSummary,
  WAITING_RUN_STATES,
} from '@gort-backstage/plugin-gort-common';
import {
  CreateRunResult,
  DeliveryResult,
  NewRun,
  RunListQuery,
  RunStore,
  RunTransition,
} from './RunStore';

const RUNS = 'gort_runs';
const EVENTS = 'gort_run_events';
const DELIVERIES = 'gort_deliveries';
const TERMINAL_STATES: RunState[] = ['done', 'superseded', 'error'];

interface RunRow {
  seq: number | string;
  id: string;
  entity_ref: string;
  objects: string;
  repo: string;
  branch: string;
  sha: string;
  before_sha: string | null;
  trigger: string;
  delivery_id: string | null;
  commit: string | null;
  state: string;
  outcome: string | null;
  category: string | null;
  superseded_by: string | null;
  details: string | null;
  error: string | null;
  intent_met: boolean | number | null;
  fix_pr: string | null;
  lease_owner: string | null;
  lease_expires_at: Date | number | string | null;
  created_at: Date | number | string;
  updated_at: Date | number | string;
  deadline_at: Date | number | string;
  finished_at: Date | number | string | null;
}

interface EventRow {
  run_id: string;
  state: string;
  message: string;
  at: Date | number | string;
}

type RunDetails = Pick<Run, 'verdicts' | 'failure' | 'evidence' | 'diagnosis' | 'ai' | 'fixPr' | 'intent'>;
const DETAIL_KEYS = ['verdicts', 'failure', 'evidence', 'diagnosis', 'ai', 'fixPr', 'intent'] as const;

function fixPrSummary(fixPr: RunFixPr): string {
  const { status, url, number, prState } = fixPr;
  return JSON.stringify({ status, url, number, prState });
}

function iso(value: Date | number | string): string {
  return new Date(value).toISOString();
}

function parseJson<T>(text: string | null, fallback: T): T {
  return text ? (JSON.parse(text) as T) : fallback;
}

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    repo: row.repo,
    branch: row.branch,
    sha: row.sha,
    trigger: row.trigger as RunSummary['trigger'],
    state: row.state as RunState,
    ...(row.outcome ? { outcome: row.outcome as RunSummary['outcome'] } : {}),
    ...(row.category ? { category: row.category as RunSummary['category'] } : {}),
    ...(row.commit ? { commit: JSON.parse(row.commit) } : {}),
    ...(row.superseded_by ? { supersededBy: row.superseded_by } : {}),
    ...(row.intent_met !== null && row.intent_met !== undefined ? { intentMet: Boolean(row.intent_met) } : {}),
    ...(row.fix_pr ? { fixPr: JSON.parse(row.fix_pr) } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deadlineAt: iso(row.deadline_at),
    ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
  };
}

function toRun(row: RunRow, events: EventRow[]): Run {
  const details = parseJson<Partial<RunDetails>>(row.details, {});
  // The full fix PR record lives in the details; the summary column is for lists.
  const { fixPr: _summary, ...summary } = toSummary(row);
  return {
    ...summary,
    objects: JSON.parse(row.objects),
    ...(row.before_sha ? { beforeSha: row.before_sha } : {}),
    timeline: events.map(event => ({
      at: iso(event.at),
      state: event.state as RunState,
      message: event.message,
    })),
    verdicts: details.verdicts ?? [],
    evidence: details.evidence ?? [],
    ...(details.failure ? { failure: details.failure } : {}),
    ...(details.diagnosis ? { diagnosis: details.diagnosis } : {}),
    ...(details.ai ? { ai: details.ai } : {}),
    ...(details.fixPr ? { fixPr: details.fixPr } : {}),
    ...(details.intent ? { intent: details.intent } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  // PostgreSQL, SQLite, MySQL
  return code === '23505' || code.startsWith('SQLITE_CONSTRAINT') || code === 'ER_DUP_ENTRY';
}

function leaseFree(now: Date) {
  return (query: Knex.QueryBuilder) =>
    query.whereNull('lease_owner').orWhere('lease_expires_at', '<', now);
}

export class DatabaseRunStore implements RunStore {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async recordDelivery(deliveryId: string, source: string): Promise<boolean> {
    try {
      await this.db(DELIVERIES).insert({
        delivery_id: deliveryId,
        source,
        result: 'pending',
        run_ids: '[]',
        received_at: this.clock(),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async finishDelivery(deliveryId: string, result: DeliveryResult, runIds: string[]): Promise<void> {
    await this.db(DELIVERIES)
      .where('delivery_id', deliveryId)
      .update({ result, run_ids: JSON.stringify(runIds) });
  }

  async pruneDeliveries(before: Date): Promise<number> {
    return this.db(DELIVERIES).where('received_at', '<', before).delete();
  }

  async createRun(run: NewRun): Promise<CreateRunResult> {
    const now = this.clock();
    return this.db.transaction(async tx => {
      const existing = await tx<RunRow>(RUNS)
        .where({ entity_ref: run.entityRef, sha: run.sha.toLowerCase() })
        .whereIn('state', ACTIVE_RUN_STATES as RunState[])
        .first('id', 'created_at');
      if (existing) {
        return { runId: existing.id, created: false, superseded: [], createdAt: iso(existing.created_at) };
      }
      const id = randomUUID();
      await tx(RUNS).insert({
        id,
        entity_ref: run.entityRef,
        objects: JSON.stringify(run.objects),
        repo: run.repo,
        branch: run.branch,
        sha: run.sha.toLowerCase(),
        before_sha: run.beforeSha?.toLowerCase() ?? null,
        trigger: run.trigger,
        delivery_id: run.deliveryId ?? null,
        commit: run.commit ? JSON.stringify(run.commit) : null,
        state: 'queued',
        created_at: now,
        updated_at: now,
        deadline_at: new Date(now.getTime() + run.timeoutMs),
      });
      const olderRows = await tx<RunRow>(RUNS)
        .where('entity_ref', run.entityRef)
        .whereIn('state', WAITING_RUN_STATES as RunState[])
        .whereNot('id', id)
        .select('id');
      const superseded: string[] = [];
      for (const { id: olderId } of olderRows) {
        const changed = await tx(RUNS)
          .where('id', olderId)
          .whereIn('state', WAITING_RUN_STATES as RunState[])
          .update({
            state: 'superseded',
            outcome: 'superseded',
            superseded_by: id,
            lease_owner: null,
            lease_expires_at: null,
            updated_at: now,
            finished_at: now,
          });
        if (changed) {
          superseded.push(olderId);
          await tx(EVENTS).insert({
            run_id: olderId,
            state: 'superseded',
            message: `Superseded by the push of ${run.sha.slice(0, 7)}`,
            at: now,
          });
        }
      }
      await tx(EVENTS).insert({
        run_id: id,
        state: 'queued',
        message:
          run.trigger === 'push'
            ? `Push of ${run.sha.slice(0, 7)} to ${run.repo}@${run.branch}`
            : `Run requested for ${run.sha.slice(0, 7)} on ${run.repo}@${run.branch}`,
        at: now,
      });
      return { runId: id, created: true, superseded, createdAt: now.toISOString() };
    });
  }

  async claimRuns(owner: string, leaseMs: number, limit: number): Promise<Run[]> {
    const now = this.clock();
    const candidates = await this.db<RunRow>(RUNS)
      .whereIn('state', ACTIVE_RUN_STATES as RunState[])
      .andWhere(leaseFree(now))
      .orderBy('seq')
      .limit(limit)
      .select('id');
    const claimed: Run[] = [];
    for (const { id } of candidates) {
      // Compare-and-set: only one replica's update matches the free lease.
      const changed = await this.db(RUNS)
        .where('id', id)
        .whereIn('state', ACTIVE_RUN_STATES as RunState[])
        .andWhere(leaseFree(now))
        .update({
          lease_owner: owner,
          lease_expires_at: new Date(now.getTime() + leaseMs),
        });
      if (changed === 1) {
        const run = await this.getRun(id);
        if (run) claimed.push(run);
      }
    }
    return claimed;
  }

  async renewLeases(owner: string, runIds: string[], leaseMs: number): Promise<string[]> {
    if (runIds.length === 0) return [];
    const now = this.clock();
    await this.db(RUNS)
      .whereIn('id', runIds)
      .where('lease_owner', owner)
      .whereIn('state', ACTIVE_RUN_STATES as RunState[])
      .update({ lease_expires_at: new Date(now.getTime() + leaseMs) });
    const held = await this.db<RunRow>(RUNS)
      .whereIn('id', runIds)
      .where('lease_owner', owner)
      .whereIn('state', ACTIVE_RUN_STATES as RunState[])
      .select('id');
    return held.map(row => row.id);
  }

  async releaseLease(owner: string, runId: string): Promise<void> {
    await this.db(RUNS)
      .where({ id: runId, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_at: null });
  }

  async transition(runId: string, owner: string, change: RunTransition): Promise<boolean> {
    const now = this.clock();
    return this.db.transaction(async tx => {
      const row = await tx<RunRow>(RUNS)
        .where({ id: runId, lease_owner: owner })
        .whereNotIn('state', TERMINAL_STATES)
        .first('details');
      if (!row) return false;
      const details = parseJson<Partial<RunDetails>>(row.details, {});
      for (const key of DETAIL_KEYS) {
        if (change[key] !== undefined) {
          (details as any)[key] = change[key];
        }
      }
      const terminal = TERMINAL_STATES.includes(change.state);
      const changed = await tx(RUNS)
        .where({ id: runId, lease_owner: owner })
        .whereNotIn('state', TERMINAL_STATES)
        .update({
          state: change.state,
          ...(change.outcome ? { outcome: change.outcome } : {}),
          ...(change.category ? { category: change.category } : {}),
          ...(change.error !== undefined ? { error: change.error } : {}),
          ...(change.intent ? { intent_met: change.intent.met } : {}),
          ...(change.fixPr ? { fix_pr: fixPrSummary(change.fixPr) } : {}),
          details: JSON.stringify(details),
          updated_at: now,
          ...(terminal
            ? { finished_at: now, lease_owner: null, lease_expires_at: null }
            : {}),
        });
      if (changed !== 1) return false;
      await tx(EVENTS).insert({
        run_id: runId,
        state: change.state,
        message: change.message,
        at: now,
      });
      return true;
    });
  }

  async recordVerdicts(runId: string, owner: string, verdicts: RunObjectVerdict[]): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx<RunRow>(RUNS)
        .where({ id: runId, lease_owner: owner })
        .whereNotIn('state', TERMINAL_STATES)
        .first('details');
      if (!row) return false;
      const details = parseJson<Partial<RunDetails>>(row.details, {});
      details.verdicts = verdicts;
      await tx(RUNS)
        .where({ id: runId, lease_owner: owner })
        .update({ details: JSON.stringify(details), updated_at: this.clock() });
      return true;
    });
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const row = await this.db<RunRow>(RUNS).where('id', runId).first();
    if (!row) return undefined;
    const events = await this.db<EventRow>(EVENTS)
      .where('run_id', runId)
      .orderBy('seq');
    return toRun(row, events);
  }

  async latestRunPerEntity(): Promise<Map<string, RunSummary>> {
    const rows = await this.db<RunRow>(RUNS).whereIn(
      'seq',
      this.db(RUNS).max('seq').groupBy('entity_ref'),
    );
    return new Map(rows.map(row => [row.entity_ref, toSummary(row)]));
  }

  async listRuns(query: RunListQuery): Promise<RunList> {
    let builder = this.db<RunRow>(RUNS).orderBy('seq', 'desc').limit(query.limit + 1);
    if (query.entityRef) builder = builder.where('entity_ref', query.entityRef);
    if (query.state) builder = builder.where('state', query.state);
    if (query.outcome) builder = builder.where('outcome', query.outcome);
    if (query.cursor) builder = builder.where('seq', '<', Number(query.cursor));
    const rows = await builder.select(
      'seq', 'id', 'entity_ref', 'repo', 'branch', 'sha', 'trigger', 'commit', 'state',
      'outcome', 'category', 'superseded_by', 'intent_met', 'fix_pr', 'created_at', 'updated_at', 'deadline_at', 'finished_at',
    );
    const page = rows.slice(0, query.limit) as RunRow[];
    return {
      items: page.map(toSummary),
      ...(rows.length > query.limit
        ? { nextCursor: String(page[page.length - 1].seq) }
        : {}),
    };
  }

  async updateFixPr(runId: string, fixPr: RunFixPr): Promise<void> {
    await this.db.transaction(async tx => {
      const row = await tx<RunRow>(RUNS).where('id', runId).first('details');
      if (!row) return;
      const details = parseJson<Partial<RunDetails>>(row.details, {});
      details.fixPr = fixPr;
      await tx(RUNS)
        .where('id', runId)
        .update({ details: JSON.stringify(details), fix_pr: fixPrSummary(fixPr), updated_at: this.clock() });
    });
  }

  async countActive(): Promise<Partial<Record<RunState, number>>> {
    const rows = await this.db(RUNS)
      .whereIn('state', ACTIVE_RUN_STATES as RunState[])
      .groupBy('state')
      .select('state')
      .count({ count: '*' });
    return Object.fromEntries(rows.map((row: any) => [row.state, Number(row.count)]));
  }
}
