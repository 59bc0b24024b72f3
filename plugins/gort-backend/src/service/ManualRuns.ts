import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ManualRunLimiter } from '../database/DatabaseManualRunLimiter';
import { EntityAccess } from './EntityAccess';
import { GortStatusService } from './GortStatusService';
import { TooManyRequestsError } from './TooManyRequestsError';

/** Over the manual run limit: `retryAfterSeconds` goes into `Retry-After`. */
export class ManualRunLimitError extends TooManyRequestsError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** The user or service that asked, for the rate limit and the audit log. */
export function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
  return principal.userEntityRef ?? `${principal.type}:${principal.subject ?? 'unknown'}`;
}

/**
 * "Run now", whoever asks (the HTTP API or the `gort:run-now` action):
 * 404 when the entity is not readable, 403 without `gort.run.create`, 429
 * over the per-user and entity limit, then a run against the current revision.
 */
export class ManualRuns {
  constructor(
    private readonly deps: {
      access: EntityAccess;
      limiter: ManualRunLimiter;
      statusService: GortStatusService;
    },
  ) {}

  async start(
    credentials: BackstageCredentials,
    entityRef: string,
  ): Promise<{ runId: string; created: boolean; sha: string }> {
    const ref = entityRef.toLowerCase();
    await this.deps.access.assertMayCreateRun(credentials, ref);
    const decision = await this.deps.limiter.take(ref, principalRef(credentials));
    if (!decision.allowed) {
      throw new ManualRunLimitError(
        `Too many manual runs of ${ref}: try again in ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    }
    return this.deps.statusService.startManualRun(ref);
  }
}
