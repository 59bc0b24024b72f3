import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { GORT_RUNS_SIGNAL_CHANNEL, GortRunSignal } from '@gort-backstage/plugin-gort-common';
import type { RunLifecycle } from './RunLifecycle';

/**
 * Announces every run change on the live-update channel. The message carries
 * ids and the state only; browsers re-fetch through the authorized endpoints.
 */
export function publishRunSignals(lifecycle: RunLifecycle, signals: SignalsService, logger: LoggerService): () => void {
  return lifecycle.subscribe(async event => {
    const message = { runId: event.runId, entityRef: event.entityRef, state: event.state } satisfies GortRunSignal;
    try {
      await signals.publish({ recipients: { type: 'broadcast' }, channel: GORT_RUNS_SIGNAL_CHANNEL, message });
    } catch (error) {
      logger.debug(`Could not publish a run signal: ${error}`);
    }
  });
}
