import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { sign } from '@octokit/webhooks-methods';

export interface WebhookConfig {
  url: string;
  secret: string;
  /** Value of `X-GitHub-Hook-ID`. */
  hookId?: number;
}

export interface DeliveryAttempt {
  at: string;
  statusCode?: number;
  durationMs: number;
  error?: string;
}

export interface WebhookDelivery {
  /** `X-GitHub-Delivery` (the REST API's `guid`); a redelivery keeps the id of the original. */
  id: string;
  /** The REST API's numeric `id` of this one delivery (a redelivery gets its own). */
  number: number;
  /** When the (last) attempt was sent, ISO time. */
  deliveredAt?: string;
  event: string;
  hookId: number;
  redelivery: boolean;
  /** The exact bytes that were signed and sent. */
  body: string;
  payload: unknown;
  /** Last attempt's status code (undefined when no response was received). */
  statusCode?: number;
  durationMs?: number;
  ok: boolean;
  attempts: DeliveryAttempt[];
}

export interface WebhookDelivererOptions {
  /**
   * Delay before each retry; its length is the number of retries. Default: none,
   * as on GitHub, which "does not automatically redeliver failed deliveries"
   * (docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries);
   * a failed delivery is sent again only by `redeliver`, as by the REST API's
   * `POST /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts`.
   */
  retryDelaysMs?: number[];
  timeoutMs?: number;
  targetId?: number;
}

const USER_AGENT = 'GitHub-Hookshot/gort-sandbox';

/**
 * Sends GitHub-signed webhook deliveries one at a time, in order; every
 * delivery is recorded. Retries only when configured to (GitHub does not).
 * A receiver gets 10 s to answer, as GitHub allows
 * (docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks).
 */
export class WebhookDeliverer {
  private readonly records: WebhookDelivery[] = [];
  private nextNumber = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly retryDelaysMs: number[];
  private readonly timeoutMs: number;
  private stopped = false;
  private readonly sleepers = new Set<() => void>();

  constructor(
    private config: WebhookConfig | undefined,
    private readonly options: WebhookDelivererOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? [];
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  setConfig(config: WebhookConfig | undefined): void {
    this.config = config;
  }

  get configured(): boolean {
    return this.config !== undefined;
  }

  deliveries(): WebhookDelivery[] {
    return [...this.records];
  }

  /** Resolves once every queued delivery (with its retries) has finished. */
  async idle(): Promise<void> {
    let current;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }

  /** Queues a delivery; resolves with its record after the last attempt. Undefined without a webhook. */
  send(event: string, payload: unknown): Promise<WebhookDelivery | undefined> {
    const config = this.config;
    if (!config) return Promise.resolve(undefined);
    const record: WebhookDelivery = {
      id: randomUUID(),
      number: this.nextNumber++,
      event,
      hookId: config.hookId ?? 1,
      redelivery: false,
      body: JSON.stringify(payload),
      payload,
      ok: false,
      attempts: [],
    };
    this.records.push(record);
    return this.enqueue(() => this.deliverWithRetries(config, record));
  }

  /** Sends a recorded delivery again with the same delivery id and body (to exercise dedupe). */
  redeliver(id: string): Promise<WebhookDelivery> {
    const original = this.records.find(record => record.id === id);
    const config = this.config;
    if (!original) return Promise.reject(new Error(`Unknown delivery ${id}`));
    if (!config) return Promise.reject(new Error('No webhook configured'));
    const record: WebhookDelivery = {
      ...original,
      number: this.nextNumber++,
      redelivery: true,
      ok: false,
      attempts: [],
      statusCode: undefined,
      durationMs: undefined,
      deliveredAt: undefined,
    };
    this.records.push(record);
    return this.enqueue(() => this.deliverWithRetries(config, record));
  }

  /** Abandons pending retries (used on shutdown); queued deliveries finish with what they have. */
  stop(): void {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async deliverWithRetries(config: WebhookConfig, record: WebhookDelivery): Promise<WebhookDelivery> {
    const signature256 = await sign(config.secret, record.body);
    const signature1 = `sha1=${createHmac('sha1', config.secret).update(record.body).digest('hex')}`;
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      'X-GitHub-Event': record.event,
      'X-GitHub-Delivery': record.id,
      'X-GitHub-Hook-ID': String(record.hookId),
      'X-GitHub-Hook-Installation-Target-Type': 'repository',
      'X-GitHub-Hook-Installation-Target-ID': String(repositoryId(record.payload) ?? this.options.targetId ?? 0),
      'X-Hub-Signature': signature1,
      'X-Hub-Signature-256': signature256,
    };
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt += 1) {
      if (attempt > 0) await this.sleep(this.retryDelaysMs[attempt - 1]);
      if (this.stopped) break;
      record.deliveredAt = new Date().toISOString();
      const result = await post(config.url, headers, record.body, this.timeoutMs);
      record.attempts.push(result);
      record.statusCode = result.statusCode;
      record.durationMs = result.durationMs;
      record.ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
      if (record.ok) break;
    }
    return record;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}


function repositoryId(payload: unknown): number | undefined {
  const id = (payload as { repository?: { id?: unknown } } | null)?.repository?.id;
  return typeof id === 'number' ? id : undefined;
}

function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<DeliveryAttempt> {
  const started = Date.now();
  const at = new Date(started).toISOString();
  return new Promise(resolve => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ at, durationMs: 0, error: `Invalid webhook URL: ${url}` });
      return;
    }
    const transport = target.protocol === 'https:' ? https : http;
    const request = transport.request(
      target,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, timeout: timeoutMs },
      response => {
        response.resume();
        response.on('end', () => resolve({ at, statusCode: response.statusCode, durationMs: Date.now() - started }));
        response.on('error', error => resolve({ at, statusCode: response.statusCode, durationMs: Date.now() - started, error: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', error => resolve({ at, durationMs: Date.now() - started, error: error.message }));
    request.end(body);
  });
}
