import type { Knex } from 'knex';
import { DeliveryInbox, EnqueueResult, InboxDelivery } from './DeliveryInbox';
import { isUniqueViolation } from './uniqueViolation';

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

export class DatabaseDeliveryInbox implements DeliveryInbox {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async enqueue(
    delivery: Omit<InboxDelivery, 'attempts'>,
  ): Promise<EnqueueResult> {
    const { deliveryId, bodyHash } = delivery;
    const known = (table: string) =>
      this.db(table)
        .where('delivery_id', deliveryId)
        .modify(query => {
          if (bodyHash) query.orWhere('body_hash', bodyHash);
        })
        .limit(2)
        .select('delivery_id', 'body_hash');
    const stored = duplicateOf(await known(DELIVERIES), deliveryId);
    if (stored) return stored;
    const now = this.clock();
    try {
      await this.db(INBOX).insert({
        delivery_id: deliveryId,
        source: delivery.source,
        body_hash: bodyHash ?? null,
        push: JSON.stringify(delivery.push),
        received_at: now,
        attempts: 0,
        next_attempt_at: now,
      });
      return { duplicate: false };
    } catch (error) {
      // waiting here already (a redelivery, or the same body through the other path)
      const waiting = isUniqueViolation(error)
        ? duplicateOf(await known(INBOX), deliveryId)
        : undefined;
      if (waiting) return waiting;
      throw error;
    }
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
