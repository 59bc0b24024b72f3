import type { PushEvent } from '../webhook/pushEvent';

/** The parts of a push the drain needs to start its runs. */
export type InboxPush = Pick<
  PushEvent,
  | 'repo'
  | 'branch'
  | 'isDefaultBranch'
  | 'before'
  | 'after'
  | 'forced'
  | 'headCommit'
>;

/** A push delivery acknowledged to GitHub and not yet turned into runs. */
export interface InboxDelivery {
  deliveryId: string;
  /** Where it came from: `webhook` or `events`. */
  source: 'webhook' | 'events';
  /** sha256 of the payload: the same body under another delivery id is a replay. */
  bodyHash?: string;
  push: InboxPush;
  /** Drains of it that failed so far. */
  attempts: number;
}

export type EnqueueResult =
  | { duplicate: false }
  | {
      duplicate: true;
      /** The delivery id that brought the same body first. */ replayOf?: string;
    };

/**
 * Where the webhook puts a push before it answers: one insert, so the
 * acknowledgement does not wait for the runs. The drain turns each into a
 * stored delivery with its runs (`RunStore.ingestDelivery`) and only then
 * removes it, so a delivery is never lost between the two; draining one
 * twice is harmless, the second is found a duplicate.
 */
export interface DeliveryInbox {
  /**
   * Stores a delivery unless its id or its body is known, waiting here or
   * already stored with its runs.
   */
  enqueue(delivery: Omit<InboxDelivery, 'attempts'>): Promise<EnqueueResult>;
  /** Up to `limit` deliveries that arrived before `receivedBefore` and are due, oldest first. */
  due(receivedBefore: Date, limit: number): Promise<InboxDelivery[]>;
  /** Removes drained deliveries. */
  remove(deliveryIds: string[]): Promise<void>;
  /** Records a failed drain; the delivery is due again after `retryAfterMs`. */
  failed(
    deliveryId: string,
    error: string,
    retryAfterMs: number,
  ): Promise<void>;
}
