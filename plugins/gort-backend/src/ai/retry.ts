import { AiCallError } from '@gort-backstage/plugin-gort-node';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 1_000, maxDelayMs: 20_000 };

/** Exponential backoff with jitter; a server's retry-after wins, capped by maxDelayMs. */
export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.maxDelayMs);
  const exponential = policy.baseDelayMs * 2 ** attempt;
  return Math.min(policy.maxDelayMs, exponential * (0.75 + random() * 0.5));
}

/** Runs `call`, retrying retryable AiCallErrors; the last error is thrown. */
export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (error: AiCallError, attempt: number) => void,
  sleep: (ms: number) => Promise<void> = ms => new Promise(resolve => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof AiCallError) || !error.retryable || attempt >= policy.maxRetries) throw error;
      onRetry?.(error, attempt + 1);
      await sleep(retryDelayMs(attempt, policy, error.retryAfterMs));
    }
  }
}

/** Maps an SDK error (Anthropic and OpenAI SDKs share the shape) to an AiCallError. */
export function toAiCallError(error: unknown, provider: string): AiCallError {
  if (error instanceof AiCallError) return error;
  const e = error as { status?: unknown; message?: unknown; headers?: unknown; name?: unknown };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const retryAfterMs = readRetryAfter(e?.headers);
  const connectionError = status === undefined && /connection|timeout|ECONNREFUSED|ECONNRESET|fetch failed/i.test(`${e?.name} ${e?.message}`);
  const retryable = status === 429 || status === 529 || (status !== undefined && status >= 500) || connectionError;
  const message = `${provider}: ${status ? `HTTP ${status} ` : ''}${String(e?.message ?? error).slice(0, 300)}`;
  return new AiCallError(message, status, retryable, retryAfterMs);
}

function readRetryAfter(headers: unknown): number | undefined {
  let value: string | null | undefined;
  if (headers && typeof (headers as Headers).get === 'function') value = (headers as Headers).get('retry-after');
  else if (headers && typeof headers === 'object') value = (headers as Record<string, string>)['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
