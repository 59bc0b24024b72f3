import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { GORT_RUNS_SIGNAL_CHANNEL, GortRunSignal } from '@gort-backstage/plugin-gort-common';
import type { RunLifecycle, RunLifecycleEvent } from './RunLifecycle';

/**
 * Announces run changes on the live-update channel. The message carries ids
 * and the state only; browsers re-fetch through the authorized endpoints.
 * Changes of one run within `windowMs` become one signal with the latest
 * state, so a burst of pushes does not become a burst of event-bus writes.
 */
export function publishRunSignals(
  lifecycle: RunLifecycle,
  signals: SignalsService,
  logger: LoggerService,
  windowMs = 250,
): () => void {
  const pending = new Map<string, RunLifecycleEvent>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const publish = async (event: RunLifecycleEvent) => {
    const message = { runId: event.runId, entityRef: event.entityRef, state: event.state } satisfies GortRunSignal;
    try {
      await signals.publish({ recipients: { type: 'broadcast' }, channel: GORT_RUNS_SIGNAL_CHANNEL, message });
    } catch (error) {
      logger.debug(`Could not publish a run signal: ${error}`);
    }
  };
  const flush = () => {
    timer = undefined;
    const events = [...pending.values()];
    pending.clear();
    for (const event of events) void publish(event);
  };
  const unsubscribe = lifecycle.subscribe(async event => {
    if (windowMs <= 0) {
      await publish(event);
      return;
    }
    pending.set(event.runId, event);
    timer ??= setTimeout(flush, windowMs);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    flush();
  };
}
