import { DOCS_URL, GitHubHttpError } from './httpErrors';

export interface RateLimitSimulation {
  /** How many upcoming API requests are rejected. */
  count: number;
  /**
   * `primary`: the hourly budget is spent (`x-ratelimit-remaining: 0`, reset time).
   * `secondary`: abuse limit with a `retry-after` header.
   */
  kind?: 'primary' | 'secondary';
  /** 403 (GitHub's usual answer) or 429. */
  status?: 403 | 429;
  retryAfterSeconds?: number;
}

const HOURLY_LIMIT = 5000;

/** Tracks GitHub's `x-ratelimit-*` budget and injects rate-limit rejections on demand. */
export class RateLimiter {
  private windowResetsAt = 0;
  private used = 0;
  private pending: Required<RateLimitSimulation> | undefined;

  simulate(simulation: RateLimitSimulation): void {
    this.pending = {
      count: Math.max(0, Math.floor(simulation.count)),
      kind: simulation.kind ?? 'secondary',
      status: simulation.status ?? 403,
      retryAfterSeconds: simulation.retryAfterSeconds ?? 1,
    };
  }

  /** Counts one request; returns its rate-limit headers, or throws the simulated rejection. */
  consume(now = Date.now()): Record<string, string> {
    if (now >= this.windowResetsAt) {
      this.windowResetsAt = now + 3600_000;
      this.used = 0;
    }
    const simulation = this.pending;
    if (simulation && simulation.count > 0) {
      simulation.count -= 1;
      if (simulation.count === 0) this.pending = undefined;
      throw this.rejection(simulation, now);
    }
    this.used += 1;
    return this.headers(HOURLY_LIMIT - this.used, Math.ceil(this.windowResetsAt / 1000));
  }

  private rejection(simulation: Required<RateLimitSimulation>, now: number): GitHubHttpError {
    const resetAt = Math.ceil(now / 1000) + simulation.retryAfterSeconds;
    if (simulation.kind === 'primary') {
      return new GitHubHttpError(
        simulation.status,
        { message: 'API rate limit exceeded for user ID 1.', documentation_url: DOCS_URL, status: String(simulation.status) },
        this.headers(0, resetAt),
      );
    }
    return new GitHubHttpError(
      simulation.status,
      {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: DOCS_URL,
        status: String(simulation.status),
      },
      {
        ...this.headers(HOURLY_LIMIT - this.used, Math.ceil(this.windowResetsAt / 1000)),
        'retry-after': String(simulation.retryAfterSeconds),
      },
    );
  }

  private headers(remaining: number, resetEpochSeconds: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(HOURLY_LIMIT),
      'x-ratelimit-remaining': String(Math.max(remaining, 0)),
      'x-ratelimit-used': String(HOURLY_LIMIT - Math.max(remaining, 0)),
      'x-ratelimit-reset': String(resetEpochSeconds),
      'x-ratelimit-resource': 'core',
    };
  }
}
