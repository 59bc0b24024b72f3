import {
  AuthenticationError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { createHash } from 'node:crypto';
import { IngestResult, PushIngestion } from '../runs/PushIngestion';
import { parsePushPayload } from './pushEvent';
import { verifyWebhookSignature } from './verifySignature';

const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export interface WebhookRequest {
  event?: string;
  deliveryId?: string;
  signature?: string;
  rawBody: Buffer;
}

export interface WebhookResponse {
  status: 200 | 202;
  /** `queued`: the runs an accepted push starts, created right after the answer. */
  body: {
    status: IngestResult['status'] | 'pong';
    queued?: number;
    reason?: string;
  };
}

/** Outcome counter hook, so metrics stay out of the logic. */
export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'ignored'
  | 'ping'
  | 'invalid_signature'
  | 'malformed';

/** Handles GitHub push deliveries, from the webhook or the events system. */
export class WebhookReceiver {
  constructor(
    private readonly deps: {
      ingestion: PushIngestion;
      secrets: string[];
      onOutcome?: (outcome: WebhookOutcome, via: 'webhook' | 'events') => void;
    },
  ) {}

  /** A delivery to `POST /webhook`: the signature is checked on the raw body first. */
  async receive(request: WebhookRequest): Promise<WebhookResponse> {
    if (this.deps.secrets.length === 0) {
      throw new ServiceUnavailableError(
        'The GORT webhook is not configured: set gort.webhook.secret to the secret of the GitHub webhook',
      );
    }
    if (request.rawBody.length === 0) {
      // GitHub never sends an empty body; the signature library refuses one.
      this.deps.onOutcome?.('malformed', 'webhook');
      throw new InputError('The body is empty; GitHub sends the event as a JSON body');
    }
    if (!(await verifyWebhookSignature(this.deps.secrets, request.rawBody, request.signature))) {
      this.deps.onOutcome?.('invalid_signature', 'webhook');
      throw new AuthenticationError(
        request.signature
          ? 'X-Hub-Signature-256 does not match the body and the configured secret'
          : 'X-Hub-Signature-256 is missing',
      );
    }
    let payload: unknown;
    try {
      payload = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      this.deps.onOutcome?.('malformed', 'webhook');
      throw new InputError('The body is not JSON; configure the webhook with content type application/json');
    }
    return this.handle(request.event, request.deliveryId, payload, 'webhook');
  }

  /** A delivery routed through Backstage's events system (already verified there). */
  async receiveFromEvents(
    event: string | undefined,
    deliveryId: string | undefined,
    payload: unknown,
  ): Promise<WebhookResponse> {
    return this.handle(event, deliveryId, payload, 'events');
  }

  private async handle(
    event: string | undefined,
    deliveryId: string | undefined,
    payload: unknown,
    via: 'webhook' | 'events',
  ): Promise<WebhookResponse> {
    const outcome = this.deps.onOutcome ?? (() => {});
    if (!event) {
      outcome('malformed', via);
      throw new InputError('X-GitHub-Event is missing');
    }
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) {
      outcome('malformed', via);
      throw new InputError('X-GitHub-Delivery is missing or malformed');
    }
    if (event === 'ping') {
      outcome('ping', via);
      return { status: 200, body: { status: 'pong' } };
    }
    if (event !== 'push') {
      outcome('ignored', via);
      return {
        status: 202,
        body: { status: 'ignored', reason: `${event} events are not used` },
      };
    }
    const parsed = parsePushPayload(payload);
    if (parsed.kind === 'invalid') {
      outcome('malformed', via);
      throw new InputError(`Malformed push payload: ${parsed.problems.join('; ')}`);
    }
    if (parsed.kind === 'ignored') {
      outcome('ignored', via);
      return {
        status: 202,
        body: { status: 'ignored', reason: parsed.reason },
      };
    }
    // The same hash on both paths (the events system hands over the parsed body).
    const bodyHash = createHash('sha256')
      .update(JSON.stringify(payload))
      .digest('hex');
    const result = await this.deps.ingestion.accept(parsed.event, {
      deliveryId,
      via,
      bodyHash,
    });
    outcome(result.status, via);
    return {
      status: result.status === 'duplicate' ? 200 : 202,
      body: {
        status: result.status,
        ...(result.status === 'accepted' ? { queued: result.queued } : {}),
        ...(result.reason ? { reason: result.reason } : {}),
      },
    };
  }
}
