import type { RunState } from '@gort-backstage/plugin-gort-common';
import type { RunLifecycle } from './RunLifecycle';

/** The metrics that follow runs (GortMetrics implements them). */
export interface RunMetricsSink {
  runFinished(outcome: string, durationMs?: number): void;
  diagnosed(category: string): void;
  detected(delayMs: number): void;
  /** A superseded run queued again: the push that superseded it was older (it was counted superseded then). */
  requeued(): void;
}

/** States in which a run has its outcome (gort_runs_total). */
const VERDICT_STATES: RunState[] = ['succeeded', 'failed', 'timed_out', 'superseded', 'error'];

/**
 * Counts runs by outcome (superseded included, whoever superseded them),
 * superseded runs queued again (so that superseded minus requeued is what
 * stayed superseded), diagnoses by category (once, when the change records the category) and
 * the detection delay of updates a Flux change caused.
 */
export function recordRunMetrics(lifecycle: RunLifecycle, metrics: RunMetricsSink, clock: () => number = Date.now): () => void {
  return lifecycle.subscribe(event => {
    if (VERDICT_STATES.includes(event.state) && event.previous !== event.state) {
      const durationMs = event.createdAt ? clock() - Date.parse(event.createdAt) : undefined;
      metrics.runFinished(event.state, durationMs);
    }
    if (event.state === 'queued' && event.previous === 'superseded')
      metrics.requeued();
    if (event.change?.category) metrics.diagnosed(event.change.category);
    if (event.detectionDelayMs !== undefined) metrics.detected(event.detectionDelayMs);
  });
}
