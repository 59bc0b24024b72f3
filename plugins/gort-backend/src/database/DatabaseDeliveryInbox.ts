import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { DeliveryInbox, EnqueueResult, InboxDelivery } from './DeliveryInbox';

const INBOX = 'gort_delivery_inbox';
const DELIVERIES = 'gort_deliveries';

interface InboxRow {
  delivery_id: string;
  source: string;
  body_hash: string | null;
  push: string;
  attempts: number | string;
}

/** Which stored row, if any, makes `delivery` a duplicate: the same id first, else the same body. */
function duplicateOf(
  rows: Array<{ delivery_id: string; body_hash: string | null }>,
  deliveryId: string,
): EnqueueResult | undefined {
  if (rows.some(row => row.delivery_id === deliveryId))
    return { duplicate: true };
  return rows.length > 0
    ? { duplicate: true, replayOf: String(rows[0].delivery_id) }
    : undefined;
}

/** The ids a raw `RETURNING delivery_id` gave: `{ rows }` from pg, an array from SQLite. */
function returnedIds(result: unknown): string[] {
  const rows = Array.isArray(result)
    ? result
    : (result as { rows?: unknown[] } | undefined)?.rows;
  return Array.isArray(rows)
    ? rows.map(row => String((row as { delivery_id: unknown }).delivery_id))
    : [];
}

type NewDelivery = Omit<InboxDelivery, 'attempts'>;

export class DatabaseDeliveryInbox implements DeliveryInbox {
  /**
   * Deliveries whose requests were read in one turn of the event loop are
   * stored by one statement (on PostgreSQL), so a burst costs the database
   * one commit per turn rather than one per push; each answer still waits
   * for its own row to be committed.
   */
  private readonly enqueues = new DataLoader<NewDelivery, EnqueueResult>(
    deliveries => this.enqueueAll(deliveries),
    { cache: false, maxBatchSize: 200, batchScheduleFn: run => setImmediate(run) },
  );

  constructor(
    private readonly db: Knex,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * One statement on the webhook's path: the insert happens unless the id or
   * the body is already stored with its runs, or waiting here; only a
   * duplicate costs more queries, to say which it is.
   */
  enqueue(delivery: NewDelivery): Promise<EnqueueResult> {
    return this.enqueues.load(delivery);
  }

  private async enqueueAll(
    deliveries: readonly NewDelivery[],
  ): Promise<Array<EnqueueResult | Error>> {
    const inserted =
      this.db.client.config.client === 'pg'
        ? await this.insertAllPostgres(deliveries)
        : await this.insertEachSqlite(deliveries);
    const answered = new Set<string>();
    return Promise.all(
      deliveries.map(async delivery => {
        // a delivery id twice in one batch: the first one was stored
        if (inserted.has(delivery.deliveryId) && !answered.has(delivery.deliveryId)) {
          answered.add(delivery.deliveryId);
          return { duplicate: false } as const;
        }
        return this.whichDuplicate(delivery).catch(error => error as Error);
      }),
    );
  }

  /** The ids stored: unnest keeps the statement the same whatever the batch size. */
  private async insertAllPostgres(deliveries: readonly NewDelivery[]): Promise<Set<string>> {
    const now = this.clock();
    const result = await this.db.raw(
      `INSERT INTO ${INBOX} (delivery_id, source, body_hash, push, received_at, attempts, next_attempt_at)
       SELECT d.delivery_id, d.source, d.body_hash, d.push, ?::timestamptz, 0, ?::timestamptz
       FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS d(delivery_id, source, body_hash, push, n)
       WHERE NOT EXISTS (
         SELECT 1 FROM ${DELIVERIES} s WHERE s.delivery_id = d.delivery_id OR s.body_hash = d.body_hash
       )
       ORDER BY d.n
       ON CONFLICT DO NOTHING
       RETURNING delivery_id`,
      [
        now,
        now,
        deliveries.map(d => d.deliveryId),
        deliveries.map(d => d.source),
        // pg sends null elements as SQL NULLs
        deliveries.map(d => d.bodyHash ?? null) as string[],
        deliveries.map(d => JSON.stringify(d.push)),
      ],
    );
    return new Set(returnedIds(result));
  }

  /** SQLite is in the process: one statement per delivery costs no round trip. */
  private async insertEachSqlite(deliveries: readonly NewDelivery[]): Promise<Set<string>> {
    const stored = new Set<string>();
    for (const delivery of deliveries) {
      const { deliveryId, bodyHash } = delivery;
      const now = this.clock();
      const known = bodyHash ? 'delivery_id = ? OR body_hash = ?' : 'delivery_id = ?';
      const result = await this.db.raw(
        `INSERT INTO ${INBOX} (delivery_id, source, body_hash, push, received_at, attempts, next_attempt_at)
         SELECT ?, ?, ?, ?, ?, 0, ?
         WHERE NOT EXISTS (SELECT 1 FROM ${DELIVERIES} WHERE ${known})
         ON CONFLICT DO NOTHING
         RETURNING delivery_id`,
        [deliveryId, delivery.source, bodyHash ?? null, JSON.stringify(delivery.push), now, now, deliveryId, ...(bodyHash ? [bodyHash] : [])],
      );
      for (const id of returnedIds(result)) stored.add(id);
    }
    return stored;
  }

  private async whichDuplicate(delivery: NewDelivery): Promise<EnqueueResult> {
    const { deliveryId, bodyHash } = delivery;
    const known = (table: string) =>
      this.db(table)
        .where('delivery_id', deliveryId)
        .modify(query => {
          if (bodyHash) query.orWhere('body_hash', bodyHash);
        })
        .limit(2)
        .select('delivery_id', 'body_hash');
    const duplicate =
      duplicateOf(await known(DELIVERIES), deliveryId) ??
      duplicateOf(await known(INBOX), deliveryId);
    // drained and pruned between the insert and these reads: handled long ago
    return duplicate ?? { duplicate: true };
  }

  async due(receivedBefore: Date, limit: number): Promise<InboxDelivery[]> {
    const rows: InboxRow[] = await this.db(INBOX)
      .where('received_at', '<', receivedBefore)
      .where('next_attempt_at', '<=', this.clock())
      .orderBy([{ column: 'received_at' }, { column: 'delivery_id' }])
      .limit(limit)
      .select('delivery_id', 'source', 'body_hash', 'push', 'attempts');
    return rows.map(row => ({
      deliveryId: row.delivery_id,
      source: row.source === 'events' ? 'events' : 'webhook',
      ...(row.body_hash ? { bodyHash: row.body_hash } : {}),
      push: JSON.parse(row.push),
      attempts: Number(row.attempts),
    }));
  }

  async remove(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length > 0)
      await this.db(INBOX).whereIn('delivery_id', deliveryIds).delete();
  }

  async failed(
    deliveryId: string,
    error: string,
    retryAfterMs: number,
  ): Promise<void> {
    await this.db(INBOX)
      .where('delivery_id', deliveryId)
      .update({
        attempts: this.db.raw('attempts + 1'),
        last_error: error.slice(0, 2000),
        next_attempt_at: new Date(this.clock().getTime() + retryAfterMs),
      });
  }
}
