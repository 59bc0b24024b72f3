import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  GORT_RUNS_SIGNAL_CHANNEL,
  GortRunChangeSignal,
  GortRunsChangedSignal,
  RunState,
} from '@gort-backstage/plugin-gort-common';
import type { RunLifecycle } from '../runs/RunLifecycle';

/** Broadcasts are coalesced to one per interval, whatever the number of runs. */
const DEFAULT_BROADCAST_INTERVAL_MS = 2000;

/**
 * Live updates of run changes. The run's content (id, entity, state) goes
 * only to the entity's owners; everyone else who may read the entity learns
 * of it from a content-free "runs changed" broadcast and re-fetches through
 * the authorized endpoints.
 */
export class RunSignalPublisher {
  private broadcastTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly deps: {
      signals: SignalsService;
      /** Owner entity refs of an entity (users and groups); empty when unknown. */
      ownersOf: (entityRef: string) => Promise<string[]>;
      logger: LoggerService;
      broadcastIntervalMs?: number;
    },
  ) {}

  /** Publishes every run change announced on `lifecycle`; returns the unsubscribe. */
  follow(lifecycle: RunLifecycle): () => void {
    return lifecycle.subscribe(event => this.runChanged({ id: event.runId, entityRef: event.entityRef }, event.state));
  }

  /** Announces a state change; never throws (live updates are best effort). */
  async runChanged(run: { id: string; entityRef: string }, state: RunState): Promise<void> {
    this.scheduleBroadcast();
    try {
      const owners = await this.deps.ownersOf(run.entityRef);
      if (owners.length === 0) return;
      const message: GortRunChangeSignal = { type: 'run', runId: run.id, entityRef: run.entityRef, state };
      await this.deps.signals.publish({
        recipients: { type: 'user', entityRef: owners },
        channel: GORT_RUNS_SIGNAL_CHANNEL,
        message,
      });
    } catch (error) {
      this.deps.logger.debug(`Could not publish a run signal to the owners of ${run.entityRef}: ${error}`);
    }
  }

  /** Stops a pending broadcast (shutdown). */
  stop(): void {
    if (this.broadcastTimer) clearTimeout(this.broadcastTimer);
    this.broadcastTimer = undefined;
  }

  private scheduleBroadcast(): void {
    if (this.broadcastTimer) return;
    this.broadcastTimer = setTimeout(() => {
      this.broadcastTimer = undefined;
      const message: GortRunsChangedSignal = { type: 'runs-changed' };
      this.deps.signals
        .publish({ recipients: { type: 'broadcast' }, channel: GORT_RUNS_SIGNAL_CHANNEL, message })
        .catch(error => this.deps.logger.debug(`Could not broadcast a runs-changed signal: ${error}`));
    }, this.deps.broadcastIntervalMs ?? DEFAULT_BROADCAST_INTERVAL_MS);
    this.broadcastTimer.unref?.();
  }
}
