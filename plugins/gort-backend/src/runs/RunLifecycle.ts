import type { LoggerService } from '@backstage/backend-plugin-api';
import type { RunState, RunTrigger } from '@gort-backstage/plugin-gort-common';
import type { RunTransition } from '../database/RunStore';
import type { SideEffectGuard } from './ports';

/** One state change of one run, wherever it happened (ingestion, "Run now", the processor). */
export interface RunLifecycleEvent {
  runId: string;
  entityRef: string;
  /** The state the run is in now. */
  state: RunState;
  /** The state before; absent when the run was just created. */
  previous?: RunState;
  trigger?: RunTrigger;
  /** When the run was created (ISO time), for durations. */
  createdAt?: string;
  /** What the change recorded (outcome, category, message…). */
  change?: Omit<RunTransition, 'state'>;
  /** The run that supersedes this one (state `superseded`). */
  supersededBy?: string;
  /** Time from the Flux change that caused this update reaching GORT, when one did. */
  detectionDelayMs?: number;
  /**
   * The lease fence of the replica that made this change (the processor's):
   * side effects that follow it (check runs, commit statuses, verdict
   * comments) call it right before each write and skip the write when it
   * throws. Absent for changes made without a lease (a push stored, "Run now")
   * and for final transitions, which commit only under the lease.
   */
  fence?: SideEffectGuard;
}

export type RunLifecycleListener = (event: RunLifecycleEvent) => void | Promise<void>;

/**
 * The one place run state changes are announced. Metrics, live-update
 * signals and (later) notifications and check runs subscribe here, so the
 * code that changes runs knows none of them. A failing listener is logged
 * and never affects the run or the other listeners.
 */
export class RunLifecycle {
  private readonly listeners = new Set<RunLifecycleListener>();

  constructor(private readonly logger: LoggerService) {}

  subscribe(listener: RunLifecycleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A run was stored (push, "Run now", catch-up), superseding `superseded`. */
  runCreated(run: { runId: string; entityRef: string; trigger: RunTrigger; createdAt: string; superseded: string[] }): void {
    this.emit({ runId: run.runId, entityRef: run.entityRef, state: 'queued', trigger: run.trigger, createdAt: run.createdAt });
    for (const older of run.superseded) {
      this.emit({ runId: older, entityRef: run.entityRef, state: 'superseded', supersededBy: run.runId });
    }
  }

  emit(event: RunLifecycleEvent): void {
    for (const listener of this.listeners) {
      try {
        const result = listener(event);
        if (result && typeof (result as Promise<void>).catch === 'function') {
          (result as Promise<void>).catch(error => this.warn(event, error));
        }
      } catch (error) {
        this.warn(event, error);
      }
    }
  }

  private warn(event: RunLifecycleEvent, error: unknown) {
    this.logger.warn(`A run lifecycle listener failed on run ${event.runId} (${event.state}): ${error}`);
  }
}
