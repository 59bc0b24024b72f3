import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import {
  ACTIVE_RUN_STATES,
  groupVerdictsByCluster,
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
  DeliveryIngestion,
  DeliveryIngestionResult,
  NewRun,
  RunListQuery,
  RunStore,
  RunTransition,
} from './RunStore';
import type { PushOrderContext, PushOrderRun } from './RunStore';
import { isUniqueViolation } from './uniqueViolation';

const RUNS = 'gort_runs';
const EVENTS = 'gort_run_events';
const DELIVERIES = 'gort_deliveries';
/** Deliveries acknowledged and not yet drained (DatabaseDeliveryInbox). */
const INBOX = 'gort_delivery_inbox';
const TERMINAL_STATES: RunState[] = ['done', 'superseded', 'error'];
/** Deliveries, and runs over all of them, stored in one group-commit transaction at most. */
const MAX_BATCH_DELIVERIES = 100;
const MAX_BATCH_RUNS = 1000;
/** How long the entities that have runs are reused by `runEntityRefs`. */
const DEFAULT_ENTITY_REFS_TTL_MS = 5000;
/** Rows per insert statement. */
const RUN_BATCH = 100;
const EVENT_BATCH = 300;

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

/** The verdicts by cluster, once they name their clusters (runs judged before they did carry none). */
function clustersOf(verdicts: RunObjectVerdict[]): Pick<Run, 'clusters'> {
  return verdicts.some(v => v.cluster) ? { clusters: groupVerdictsByCluster(verdicts) } : {};
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
    ...clustersOf(details.verdicts ?? []),
    evidence: details.evidence ?? [],
    ...(details.failure ? { failure: details.failure } : {}),
    ...(details.diagnosis ? { diagnosis: details.diagnosis } : {}),
    ...(details.ai ? { ai: details.ai } : {}),
    ...(details.fixPr ? { fixPr: details.fixPr } : {}),
    ...(details.intent ? { intent: details.intent } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

/** Part of the unique-violation message of the one-waiting-run index, on both engines. */
const ONE_WAITING_INDEX_HINT = 'gort_runs';

interface QueuedDelivery {
  delivery: DeliveryIngestion;
  resolve: (result: DeliveryIngestionResult) => void;
  reject: (error: unknown) => void;
}

interface ActiveRow {
  id: string;
  entity_ref: string;
  sha: string;
  before_sha: string | null;
  forced: boolean | number | null;
  state: string;
  created_at: Date | number | string;
}

const isWaiting = (state: string) => (WAITING_RUN_STATES as string[]).includes(state);

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function queuedMessage(run: NewRun): string {
  const at = `${run.sha.slice(0, 7)} on ${run.repo}@${run.branch}`;
  if (run.trigger === 'push') return `Push of ${run.sha.slice(0, 7)} to ${run.repo}@${run.branch}`;
  if (run.trigger === 'catch-up') return `Flux moved to ${at}, a commit no run knew (its push never arrived)`;
  return `Run requested for ${at}`;
}

/** When a run created `now` times out; a timeout that is not a positive number of ms fails the whole transaction. */
function deadlineOf(run: NewRun, now: Date): Date {
  if (!Number.isFinite(run.timeoutMs) || run.timeoutMs <= 0) {
    throw new Error(
      `The run of ${run.entityRef} at ${run.sha.slice(
        0,
        7,
      )} has no valid timeout: ${run.timeoutMs} ms`,
    );
  }
  return new Date(now.getTime() + run.timeoutMs);
}

function supersededMessage(sha: string): string {
  return `Superseded by the push of ${sha.slice(0, 7)}`;
}

function leaseFree(now: Date) {
  return (query: Knex.QueryBuilder) =>
    query.whereNull('lease_owner').orWhere('lease_expires_at', '<', now);
}

export class DatabaseRunStore implements RunStore {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => Date = () => new Date(),
    private readonly options: {
      /**
       * How long the list of entities that have runs is reused. Entities
       * this process creates runs for join it at once; those another
       * replica starts runs for show within this long.
       */
      entityRefsTtlMs?: number;
    } = {},
  ) {}

  private entityRefsCache?: {
    at: number;
    refs?: Set<string>;
    loading: Promise<Set<string>>;
  };

  /** Deliveries waiting for the transaction in flight (group commit). */
  private readonly waitingDeliveries: QueuedDelivery[] = [];
  private batchInFlight = false;

  /**
   * Group commit across entities: a delivery that arrives while no batch is
   * in flight is stored at once; those that arrive while one is in flight
   * wait for it and are then stored together, in one transaction with
   * multi-row inserts (each delivery with all its runs, or none of them).
   * Each caller gets its own result once its batch committed. A batch that
   * fails is retried delivery by delivery, so one bad delivery fails alone.
   */
  async ingestDelivery(delivery: DeliveryIngestion): Promise<DeliveryIngestionResult> {
    if (delivery.runs.length > MAX_BATCH_RUNS) return this.ingestAlone(delivery);
    return new Promise((resolve, reject) => {
      this.waitingDeliveries.push({ delivery, resolve, reject });
      this.startBatch();
    });
  }

  private startBatch(): void {
    if (this.batchInFlight || this.waitingDeliveries.length === 0) return;
    const batch = this.takeBatch();
    this.batchInFlight = true;
    void this.ingestBatch(batch).finally(() => {
      this.batchInFlight = false;
      this.startBatch();
    });
  }

  /**
   * The next batch, in arrival order: up to MAX_BATCH_DELIVERIES and
   * MAX_BATCH_RUNS. A delivery with the id or the body of one already in the
   * batch waits for the next one, where it is found a duplicate or a replay.
   */
  private takeBatch(): QueuedDelivery[] {
    const batch: QueuedDelivery[] = [];
    const ids = new Set<string>();
    const hashes = new Set<string>();
    let runs = 0;
    for (let i = 0; i < this.waitingDeliveries.length && batch.length < MAX_BATCH_DELIVERIES; ) {
      const queued = this.waitingDeliveries[i];
      const { deliveryId, bodyHash, runs: its } = queued.delivery;
      const clash = ids.has(deliveryId) || (bodyHash !== undefined && hashes.has(bodyHash));
      if (clash || (batch.length > 0 && runs + its.length > MAX_BATCH_RUNS)) {
        i++;
        continue;
      }
      this.waitingDeliveries.splice(i, 1);
      batch.push(queued);
      ids.add(deliveryId);
      if (bodyHash !== undefined) hashes.add(bodyHash);
      runs += its.length;
    }
    return batch;
  }

  /** Settles every delivery of `batch`: one transaction for all, else one each. */
  private async ingestBatch(batch: QueuedDelivery[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.retryOnRace(() => this.db.transaction(tx => this.storeNewDeliveries(tx, batch.map(q => q.delivery))));
        batch.forEach((queued, i) => queued.resolve(results[i]));
        return;
      } catch {
        // a failure in one of them, or a race with another replica: each on its own below
      }
    }
    await Promise.all(
      batch.map(async queued => {
        try {
          queued.resolve(await this.ingestAlone(queued.delivery));
        } catch (error) {
          queued.reject(error);
        }
      }),
    );
  }

  /**
   * Deliveries of a batch in `tx`: those already stored (the same id, or
   * the same body under another id) are answered as duplicates, the others
   * stored with their runs.
   */
  private async storeNewDeliveries(tx: Knex.Transaction, deliveries: DeliveryIngestion[]): Promise<DeliveryIngestionResult[]> {
    const ids = deliveries.map(d => d.deliveryId);
    const hashes = deliveries.flatMap(d => (d.bodyHash ? [d.bodyHash] : []));
    const known = (await tx(DELIVERIES)
      .whereIn('delivery_id', ids)
      .modify(query => {
        if (hashes.length > 0) query.orWhereIn('body_hash', hashes);
      })
      .select('delivery_id', 'body_hash')) as Array<{ delivery_id: string; body_hash: string | null }>;
    const knownIds = new Set(known.map(row => String(row.delivery_id)));
    const byHash = new Map(known.filter(row => row.body_hash).map(row => [String(row.body_hash), String(row.delivery_id)]));
    const duplicates = deliveries.map((d): DeliveryIngestionResult | undefined => {
      if (knownIds.has(d.deliveryId)) return { duplicate: true };
      const replayOf = d.bodyHash ? byHash.get(d.bodyHash) : undefined;
      return replayOf ? { duplicate: true, replayOf } : undefined;
    });
    const fresh = deliveries.filter((_, i) => !duplicates[i]);
    const stored = fresh.length > 0 ? await this.storeDeliveries(tx, fresh) : [];
    let next = 0;
    return duplicates.map(duplicate => duplicate ?? stored[next++]);
  }

  /** Deliveries and their runs, in order, in `tx`; results in the same order. */
  private async storeDeliveries(tx: Knex.Transaction, deliveries: DeliveryIngestion[]): Promise<DeliveryIngestionResult[]> {
    const now = this.clock();
    const results = await this.createRunsIn(tx, deliveries.flatMap(d => d.runs), now, created => {
      let offset = 0;
      return deliveries.map(delivery => {
        const runIds = created.slice(offset, offset + delivery.runs.length).filter(r => r.created).map(r => r.runId);
        offset += delivery.runs.length;
        return {
          delivery_id: delivery.deliveryId,
          source: delivery.source,
          body_hash: delivery.bodyHash ?? null,
          result: runIds.length > 0 ? 'accepted' : 'ignored',
          run_ids: JSON.stringify(runIds),
          received_at: now,
        };
      });
    });
    let offset = 0;
    return deliveries.map(delivery => {
      const runs = results.slice(offset, offset + delivery.runs.length);
      offset += delivery.runs.length;
      return { duplicate: false as const, runs };
    });
  }

  private async ingestAlone(delivery: DeliveryIngestion): Promise<DeliveryIngestionResult> {
    return this.retryOnRace(async () => {
      try {
        return await this.db.transaction(async tx => (await this.storeDeliveries(tx, [delivery]))[0]);
      } catch (error) {
        if (isUniqueViolation(error)) {
          if (await this.db(DELIVERIES).where('delivery_id', delivery.deliveryId).first('delivery_id')) return { duplicate: true as const };
          const replayed = delivery.bodyHash ? await this.db(DELIVERIES).where('body_hash', delivery.bodyHash).first('delivery_id') : undefined;
          if (replayed) return { duplicate: true as const, replayOf: String(replayed.delivery_id) };
        }
        throw error;
      }
    });
  }

  async pruneDeliveries(before: Date): Promise<number> {
    const stored: number = await this.db(DELIVERIES)
      .where('received_at', '<', before)
      .delete();
    // still in the inbox after the whole retention: every drain of it failed
    const stuck: number = await this.db(INBOX)
      .where('received_at', '<', before)
      .delete();
    return stored + stuck;
  }

  async pruneRuns(before: Date, limit: number): Promise<number> {
    const ids = (await this.db<RunRow>(RUNS).where('finished_at', '<', before).orderBy('finished_at').limit(limit).select('id')).map(r => r.id);
    if (ids.length === 0) return 0;
    return this.db.transaction(async tx => {
      await tx(EVENTS).whereIn('run_id', ids).delete();
      const removed: number = await tx(RUNS).whereIn('id', ids).delete();
      return removed;
    });
  }

  async pruneEvidence(before: Date, limit: number): Promise<number> {
    // Runs whose evidence is already gone have no `"evidence":[{` in their details.
    const rows = await this.db<RunRow>(RUNS)
      .where('finished_at', '<', before)
      .where('details', 'like', '%"evidence":[{%')
      .orderBy('finished_at')
      .limit(limit)
      .select('id', 'details');
    for (const row of rows) {
      const details = parseJson<Partial<RunDetails>>(row.details, {});
      details.evidence = [];
      if (details.diagnosis) details.diagnosis = { ...details.diagnosis, evidence: [] };
      await this.db(RUNS).where('id', row.id).update({ details: JSON.stringify(details) });
    }
    return rows.length;
  }

  async createRun(run: NewRun): Promise<CreateRunResult> {
    return this.retryOnRace(() => this.db.transaction(async tx => (await this.createRunsIn(tx, [run], this.clock()))[0]));
  }

  /**
   * Two transactions racing to create a waiting run for one entity: the
   * unique index lets one commit and fails the other, which then runs again
   * and sees the winner (to supersede it or to find the same commit).
   */
  private async retryOnRace<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= 5 || !isUniqueViolation(error) || !String((error as Error).message).includes(ONE_WAITING_INDEX_HINT)) throw error;
      }
    }
  }

  /**
   * The runs of a delivery (or one run), decided on the entities' active runs
   * and written in batches; `deliveryRows` gives the rows of the deliveries
   * they came with (from the results, in the order of `runs`), stored in the
   * same transaction. A run superseded by a later one of the same call is
   * stored superseded.
   */
  private async createRunsIn(
    tx: Knex.Transaction,
    runs: NewRun[],
    now: Date,
    deliveryRows?: (results: CreateRunResult[]) => Record<string, unknown>[],
  ): Promise<CreateRunResult[]> {
    const entityRefs = [...new Set(runs.map(r => r.entityRef))];
    const pg = this.db.client.config.client === 'pg';
    // Creations for one entity queue up on PostgreSQL instead of failing on
    // the index and retrying; locks are taken in one order, so they cannot
    // deadlock. The reads follow the lock, so they see what the previous
    // holder committed (one statement at a time: pg 8 deprecates queueing
    // queries on a busy connection).
    if (pg && entityRefs.length > 0) {
      await tx.raw(
        'SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(ref) AS h FROM unnest(?::text[]) AS ref ORDER BY h) AS locks',
        [entityRefs],
      );
    }
    const rowSets: unknown[][] = [];
    for (const refs of chunks(entityRefs, 500)) {
      rowSets.push(
        await tx<RunRow>(RUNS)
          .whereIn('entity_ref', refs)
          .whereIn('state', ACTIVE_RUN_STATES as RunState[])
          .select(
            'id',
            'entity_ref',
            'sha',
            'before_sha',
            'forced',
            'state',
            'created_at',
          ),
      );
    }
    const active = new Map<string, ActiveRow[]>();
    for (const row of rowSets.flat() as unknown as ActiveRow[]) {
      active.set(row.entity_ref, [...(active.get(row.entity_ref) ?? []), row]);
    }
    const results: CreateRunResult[] = [];
    const inserts: Record<string, unknown>[] = [];
    const events: Record<string, unknown>[] = [];
    const supersede = new Map<string, { by: string; sha: string }>();
    const insertsById = new Map<string, Record<string, unknown>>();
    const supersededHere = new Set<string>();
    for (const run of runs) {
      const sha = run.sha.toLowerCase();
      const mine = active.get(run.entityRef) ?? [];
      const same = mine.find(r => r.sha === sha);
      if (same) {
        results.push({ runId: same.id, entityRef: run.entityRef, created: false, reason: 'same-commit', superseded: [], createdAt: iso(same.created_at) });
        continue;
      }
      const newer = mine.find(r => isWaiting(r.state) && !r.forced && r.before_sha === sha);
      if (newer) {
        results.push({ runId: newer.id, entityRef: run.entityRef, created: false, reason: 'older-commit', superseded: [], createdAt: iso(newer.created_at) });
        continue;
      }
      const id = randomUUID();
      const waiting = mine.filter(r => isWaiting(r.state));
      for (const older of waiting) {
        const pending = insertsById.get(older.id);
        if (pending) {
          // created earlier in this call: stored superseded right away
          Object.assign(pending, { state: 'superseded', outcome: 'superseded', superseded_by: id, finished_at: now });
          events.push({ run_id: older.id, state: 'superseded', message: supersededMessage(sha), at: now });
          supersededHere.add(older.id);
        } else {
          supersede.set(older.id, { by: id, sha });
        }
      }
      const beforeSha = run.beforeSha?.toLowerCase() ?? null;
      const row: Record<string, unknown> = {
        id,
        entity_ref: run.entityRef,
        objects: JSON.stringify(run.objects),
        repo: run.repo,
        branch: run.branch,
        sha,
        before_sha: beforeSha,
        forced: run.forced ?? false,
        trigger: run.trigger,
        delivery_id: run.deliveryId ?? null,
        commit: run.commit ? JSON.stringify(run.commit) : null,
        state: 'queued',
        created_at: now,
        updated_at: now,
        deadline_at: deadlineOf(run, now),
      };
      inserts.push(row);
      insertsById.set(id, row);
      this.entityRefsCache?.refs?.add(run.entityRef);
      events.push({
        run_id: id,
        state: 'queued',
        message: queuedMessage(run),
        at: now,
      });
      results.push({
        runId: id,
        entityRef: run.entityRef,
        created: true,
        superseded: waiting.map(r => r.id),
        createdAt: now.toISOString(),
      });
      active.set(run.entityRef, [
        ...mine.filter(r => !isWaiting(r.state)),
        { id, entity_ref: run.entityRef, sha, before_sha: beforeSha, forced: run.forced ?? false, state: 'queued', created_at: now },
      ]);
    }
    const delivery = deliveryRows?.(results);
    // Superseded first: the index allows one waiting run per entity at any
    // moment. On PostgreSQL the inserts are queued right behind (the
    // connection runs them in order), and each supersede statement writes
    // the events of the runs it changed.
    let superseded: Set<string>;
    if (pg) {
      [superseded] = await Promise.all([this.supersede(tx, supersede, now, true), this.insertAll(tx, inserts, events, delivery)]);
    } else {
      superseded = await this.supersede(tx, supersede, now, false);
      for (const [olderId, { sha }] of supersede) {
        if (superseded.has(olderId)) events.push({ run_id: olderId, state: 'superseded', message: supersededMessage(sha), at: now });
      }
      await this.insertAll(tx, inserts, events, delivery);
    }
    for (const id of supersededHere) superseded.add(id);
    for (const result of results) result.superseded = result.superseded.filter(id => superseded.has(id));
    return results;
  }

  /**
   * Supersedes the runs of `supersede` still waiting; the ids it changed.
   * With `withEvents` (PostgreSQL: a data-modifying CTE), the same
   * statement records their "superseded" events.
   */
  private async supersede(
    tx: Knex.Transaction,
    supersede: Map<string, { by: string; sha: string }>,
    now: Date,
    withEvents: boolean,
  ): Promise<Set<string>> {
    const superseded = new Set<string>();
    for (const ids of chunks([...supersede.keys()], 200)) {
      const byCase = tx.raw(`CASE id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END`, ids.flatMap(id => [id, supersede.get(id)!.by]));
      const update = tx(RUNS)
        .whereIn('id', ids)
        .whereIn('state', WAITING_RUN_STATES as RunState[])
        .update(
          {
            state: 'superseded',
            outcome: 'superseded',
            superseded_by: byCase,
            lease_owner: null,
            lease_expires_at: null,
            updated_at: now,
            finished_at: now,
          },
          ['id'],
        );
      let changed: Array<{ id: string }>;
      if (withEvents) {
        const messageCase = tx.raw(
          `CASE id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END`,
          ids.flatMap(id => [id, supersededMessage(supersede.get(id)!.sha)]),
        );
        const rows = await tx
          .with('gort_superseded', update)
          .insert(function selectSuperseded(this: Knex.QueryBuilder) {
            this.select('id', tx.raw("'superseded'"), messageCase, tx.raw('?::timestamptz', [now])).from('gort_superseded');
          })
          .into(tx.raw('?? (??, ??, ??, ??)', [EVENTS, 'run_id', 'state', 'message', 'at']))
          .returning('run_id');
        changed = (rows as Array<{ run_id: string }>).map(row => ({ id: row.run_id }));
      } else {
        changed = (await update) as unknown as Array<{ id: string }>;
      }
      for (const row of changed) superseded.add(row.id);
    }
    return superseded;
  }

  /**
   * New runs, their events and the delivery. On PostgreSQL a delivery of up
   * to one batch is one statement (data-modifying CTEs), so a transaction
   * that holds an entity's lock makes fewer round trips before its commit.
   */
  private async insertAll(
    tx: Knex.Transaction,
    inserts: Record<string, unknown>[],
    events: Record<string, unknown>[],
    deliveries: Record<string, unknown>[] = [],
  ): Promise<void> {
    if (this.db.client.config.client === 'pg' && inserts.length <= RUN_BATCH && events.length <= EVENT_BATCH) {
      const statements = [
        ...(inserts.length > 0 ? [tx(RUNS).insert(inserts)] : []),
        ...(events.length > 0 ? [tx(EVENTS).insert(events)] : []),
        ...(deliveries.length > 0 ? [tx(DELIVERIES).insert(deliveries)] : []),
      ];
      const last = statements.pop();
      if (!last) return;
      await statements.reduce((query, statement, i) => query.with(`gort_write_${i}`, statement), last);
      return;
    }
    for (const rows of chunks(inserts, RUN_BATCH)) await tx(RUNS).insert(rows);
    for (const rows of chunks(events, EVENT_BATCH)) await tx(EVENTS).insert(rows);
    if (deliveries.length > 0) await tx(DELIVERIES).insert(deliveries);
  }

  async claimRuns(owner: string, leaseMs: number, limit: number): Promise<Run[]> {
    const now = this.clock();
    const candidates = await this.db<RunRow>(RUNS)
      .whereIn('state', ACTIVE_RUN_STATES as RunState[])
      .andWhere(leaseFree(now))
      .orderBy('seq')
      .limit(limit)
      .select('id');
    if (candidates.length === 0) return [];
    // Compare-and-set on all candidates at once: only runs whose lease is
    // still free change, so each run goes to one replica.
    const claimed = (await this.db(RUNS)
      .whereIn('id', candidates.map(c => c.id))
      .whereIn('state', ACTIVE_RUN_STATES as RunState[])
      .andWhere(leaseFree(now))
      .update({ lease_owner: owner, lease_expires_at: new Date(now.getTime() + leaseMs) }, ['id'])) as unknown as Array<{ id: string }>;
    if (claimed.length === 0) return [];
    const rows = await this.db<RunRow>(RUNS).whereIn('id', claimed.map(c => c.id)).orderBy('seq');
    // The processor reads a run's state and details, not its timeline.
    return rows.map(row => toRun(row, []));
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

  async getRun(
    runId: string,
    options: { timeline?: boolean } = {},
  ): Promise<Run | undefined> {
    const row = await this.db<RunRow>(RUNS).where('id', runId).first();
    if (!row) return undefined;
    const events =
      options.timeline === false
        ? []
        : await this.db<EventRow>(EVENTS).where('run_id', runId).orderBy('seq');
    return toRun(row, events);
  }

  /**
   * Checks are published for many runs at once after a drain (each push of
   * a burst supersedes the previous run), so the reads made within one tick
   * go to the database as one query.
   */
  private readonly runsForCheck = new DataLoader<
    string,
    { run: Run; commitEntities: number } | undefined
  >(ids => this.readRunsForCheck(ids), { cache: false, maxBatchSize: 100 });

  getRunForCheck(
    runId: string,
  ): Promise<{ run: Run; commitEntities: number } | undefined> {
    return this.runsForCheck.load(runId);
  }

  private async readRunsForCheck(
    runIds: readonly string[],
  ): Promise<Array<{ run: Run; commitEntities: number } | undefined>> {
    const rows = await this.db<RunRow>(RUNS)
      .whereIn('id', [...new Set(runIds)])
      .select(
        '*',
        this.db.raw(
          `(SELECT COUNT(DISTINCT c.entity_ref) FROM ${RUNS} c WHERE c.sha = ${RUNS}.sha AND LOWER(c.repo) = LOWER(${RUNS}.repo)) AS commit_entities`,
        ),
      );
    const byId = new Map(
      rows.map(row => [
        row.id,
        {
          run: toRun(row, []),
          commitEntities: Number(
            (row as RunRow & { commit_entities: number | string })
              .commit_entities,
          ),
        },
      ]),
    );
    return runIds.map(id => byId.get(id));
  }

  async hasRunForCommit(entityRef: string, sha: string): Promise<boolean> {
    return Boolean(await this.db<RunRow>(RUNS).where({ entity_ref: entityRef, sha: sha.toLowerCase() }).first('id'));
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
    if (query.entityRefs) builder = builder.whereIn('entity_ref', query.entityRefs);
    if (query.sha) builder = builder.where('sha', query.sha.toLowerCase());
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

  /**
   * A loose index scan over (entity_ref, seq): one index probe per distinct
   * entity instead of `SELECT DISTINCT`, which reads every run (neither
   * PostgreSQL nor SQLite skips through the index by itself here).
   */
  async runEntityRefs(): Promise<string[]> {
    const now = this.clock().getTime();
    const ttl = this.options.entityRefsTtlMs ?? DEFAULT_ENTITY_REFS_TTL_MS;
    let cache = this.entityRefsCache;
    if (!cache || now - cache.at >= ttl) {
      const loading = this.readRunEntityRefs().then(refs => new Set(refs));
      const entry: NonNullable<typeof cache> = { at: now, loading };
      loading.then(
        refs => {
          entry.refs = refs;
        },
        () => {
          if (this.entityRefsCache === entry) this.entityRefsCache = undefined;
        },
      );
      this.entityRefsCache = cache = entry;
    }
    return [...(cache.refs ?? (await cache.loading))].sort();
  }

  /** One index probe per entity (a loose index scan), not a scan of every run. */
  private async readRunEntityRefs(): Promise<string[]> {
    const result = await this.db.raw(
      `WITH RECURSIVE refs(entity_ref) AS (
         SELECT MIN(entity_ref) FROM ${RUNS}
         UNION ALL
         SELECT (SELECT MIN(r.entity_ref) FROM ${RUNS} r WHERE r.entity_ref > refs.entity_ref)
         FROM refs WHERE refs.entity_ref IS NOT NULL
       )
       SELECT entity_ref FROM refs WHERE entity_ref IS NOT NULL`,
    );
    const rows: { entity_ref: string }[] = Array.isArray(result) ? result : result.rows;
    return rows.map(row => row.entity_ref);
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

  // ---- push order (compare in the processor) ------------------------------

  async pushOrderContext(runId: string): Promise<PushOrderContext | undefined> {
    const columns = ['seq', 'id', 'entity_ref', 'sha', 'before_sha', 'forced', 'trigger', 'state', 'superseded_by'];
    const row = await this.db(RUNS).where('id', runId).first(columns);
    if (!row) return undefined;
    const previous = await this.db(RUNS)
      .where('entity_ref', row.entity_ref)
      .where('seq', '<', row.seq)
      .where(query => query.whereNot('state', 'superseded').orWhere('superseded_by', runId))
      .orderBy('seq', 'desc')
      .first(columns);
    return { run: toPushOrderRun(row), ...(previous ? { previous: toPushOrderRun(previous) } : {}) };
  }

  async endAsOlderCommit(
    runId: string,
    owner: string,
    input: { newerRunId: string; message: string; restoredMessage: string },
  ): Promise<{ ended: boolean; restored: boolean }> {
    const now = this.clock();
    return this.db.transaction(async tx => {
      const row = await tx<RunRow>(RUNS)
        .where({ id: runId, lease_owner: owner })
        .whereIn('state', ACTIVE_RUN_STATES as RunState[])
        .first('entity_ref');
      if (!row) return { ended: false, restored: false };
      const ended = await tx(RUNS)
        .where({ id: runId, lease_owner: owner })
        .whereIn('state', ACTIVE_RUN_STATES as RunState[])
        .update({
          state: 'superseded',
          outcome: 'superseded',
          superseded_by: input.newerRunId,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: now,
          finished_at: now,
        });
      if (ended !== 1) return { ended: false, restored: false };
      await tx(EVENTS).insert({ run_id: runId, state: 'superseded', message: input.message, at: now });
      // Put back the run this one wrongly superseded on arrival, unless a
      // newer push already waits (the index allows one waiting run).
      const othersWaiting = await tx(RUNS)
        .where('entity_ref', row.entity_ref)
        .whereIn('state', WAITING_RUN_STATES as RunState[])
        .first('id');
      if (othersWaiting) return { ended: true, restored: false };
      const restored = await tx(RUNS)
        .where({ id: input.newerRunId, state: 'superseded', superseded_by: runId })
        .update({
          state: 'queued',
          outcome: null,
          superseded_by: null,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: now,
          finished_at: null,
        });
      if (restored === 1) {
        await tx(EVENTS).insert({ run_id: input.newerRunId, state: 'queued', message: input.restoredMessage, at: now });
      }
      return { ended: true, restored: restored === 1 };
    });
  }

  async knownDeliveryIds(deliveryIds: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (const ids of chunks([...new Set(deliveryIds)], 500)) {
      for (const table of [DELIVERIES, INBOX]) {
        const rows = await this.db(table)
          .whereIn('delivery_id', ids)
          .select('delivery_id');
        for (const row of rows as Array<{ delivery_id: string }>)
          known.add(row.delivery_id);
      }
    }
    return known;
  }
}

function toPushOrderRun(row: any): PushOrderRun {
  return {
    id: row.id,
    sha: row.sha,
    ...(row.before_sha ? { beforeSha: row.before_sha } : {}),
    forced: Boolean(row.forced),
    trigger: row.trigger,
    state: row.state,
    ...(row.superseded_by ? { supersededBy: row.superseded_by } : {}),
  };
}
