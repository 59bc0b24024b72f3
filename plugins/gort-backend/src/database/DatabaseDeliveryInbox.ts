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

/** Rows a raw `RETURNING` statement gave: `{ rows }` from pg, an array from SQLite. */
function returnedRows(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  const rows = (result as { rows?: unknown[] } | undefined)?.rows;
  return Array.isArray(rows) ? rows.length : 0;
}

export class DatabaseDeliveryInbox implements DeliveryInbox {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * One statement on the webhook's path: the insert happens unless the id or
   * the body is already stored with its runs, or waiting here; only a
   * duplicate costs more queries, to say which it is.
   */
  async enqueue(
    delivery: Omit<InboxDelivery, 'attempts'>,
  ): Promise<EnqueueResult> {
    const { deliveryId, bodyHash } = delivery;
    const now = this.clock();
    const stored = bodyHash
      ? 'delivery_id = ? OR body_hash = ?'
      : 'delivery_id = ?';
    const inserted = await this.db.raw(
      `INSERT INTO ${INBOX} (delivery_id, source, body_hash, push, received_at, attempts, next_attempt_at)
       SELECT ?, ?, ?, ?, ?, 0, ?
       WHERE NOT EXISTS (SELECT 1 FROM ${DELIVERIES} WHERE ${stored})
       ON CONFLICT DO NOTHING
       RETURNING delivery_id`,
      [
        deliveryId,
        delivery.source,
        bodyHash ?? null,
        JSON.stringify(delivery.push),
        now,
        now,
        deliveryId,
        ...(bodyHash ? [bodyHash] : []),
      ],
    );
    if (returnedRows(inserted) > 0) return { duplicate: false };
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
