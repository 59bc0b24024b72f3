import { metrics } from '@opentelemetry/api';
import type { RunState } from '@gort-backstage/plugin-gort-common';

/**
 * GORT's metrics, exported through Backstage's OpenTelemetry setup (for
 * example its Prometheus exporter). Names and meaning: docs/metrics.md.
 */
export class GortMetrics {
  private readonly meter = metrics.getMeter('gort');
  private readonly webhookDeliveries = this.meter.createCounter('gort_webhook_deliveries_total', {
    description: 'Push deliveries received, by result (accepted, duplicate, ignored, ping, invalid_signature, malformed) and path (webhook, events)',
  });
  private readonly runsFinished = this.meter.createCounter('gort_runs_total', {
    description: 'Runs that reached a verdict, by outcome (succeeded, failed, timed_out, suspended, unobservable, superseded, error)',
  });
  private readonly reconcileDuration = this.meter.createHistogram('gort_reconcile_duration_seconds', {
    description: 'Time from a push (run creation) to its Flux verdict, by outcome',
    unit: 's',
  });
  private readonly detectionDelay = this.meter.createHistogram('gort_detection_delay_seconds', {
    description: 'Time from a Flux status change reaching GORT (watch event) to the run being updated',
    unit: 's',
  });
  private readonly kubernetesRequests = this.meter.createCounter('gort_kubernetes_requests_total', {
    description: 'Requests GORT made to Kubernetes API servers, by cluster and verb',
  });
  private readonly watchRestarts = this.meter.createCounter('gort_watch_restarts_total', {
    description: 'Flux watch connections re-established, by cluster, kind and reason (closed, expired, error, silent)',
  });
  private readonly runsRequeued = this.meter.createCounter('gort_runs_requeued_total', {
    description: 'Superseded runs queued again because the push that superseded them was an older commit (each was counted in gort_runs_total{outcome="superseded"} first)',
  });
  private readonly redeliveries = this.meter.createCounter('gort_webhook_redeliveries_total', {
    description: 'Failed push deliveries GORT asked GitHub to redeliver, by result (requested, failed, gave_up)',
  });
  private readonly diagnoses = this.meter.createCounter('gort_diagnoses_total', {
    description: 'Failures diagnosed, by taxonomy category',
  });

  private readonly aiRequests = this.meter.createCounter('gort_ai_requests_total', {
    description: 'AI provider requests, by provider, model and outcome (ok, repaired, invalid, truncated, retry, error, budget, cached)',
  });
  private readonly aiLatency = this.meter.createHistogram('gort_ai_request_duration_seconds', {
    description: 'Latency of AI provider requests, by provider and outcome',
    unit: 's',
  });
  private readonly aiTokens = this.meter.createCounter('gort_ai_tokens_total', {
    description: 'Tokens used by AI requests, by provider, model and direction (input, output)',
  });
  private readonly fixPrs = this.meter.createCounter('gort_fix_prs_total', {
    description: 'Fix pull request outcomes, by result (opened, updated, failed, rejected, skipped, escalated, commented)',
  });
  private readonly intentVerdicts = this.meter.createCounter('gort_intent_verdicts_total', {
    description: 'Intent validations after a success, by result (met, not_met, error)',
  });

  aiRequest(record: { provider: string; model: string; outcome: string; latencyMs?: number; tokens: { input: number; output: number } }) {
    const { provider, model, outcome } = record;
    this.aiRequests.add(1, { provider, model, outcome });
    if (record.latencyMs !== undefined) this.aiLatency.record(record.latencyMs / 1000, { provider, outcome });
    if (record.tokens.input) this.aiTokens.add(record.tokens.input, { provider, model, direction: 'input' });
    if (record.tokens.output) this.aiTokens.add(record.tokens.output, { provider, model, direction: 'output' });
  }

  fixPr(result: string) {
    this.fixPrs.add(1, { result });
  }

  intentVerdict(result: 'met' | 'not_met' | 'error') {
    this.intentVerdicts.add(1, { result });
  }

  webhookDelivery(result: string, via: string) {
    this.webhookDeliveries.add(1, { result, via });
  }

  runFinished(outcome: string, durationMs?: number) {
    this.runsFinished.add(1, { outcome });
    if (durationMs !== undefined && outcome !== 'superseded') {
      this.reconcileDuration.record(durationMs / 1000, { outcome });
    }
  }

  requeued() {
    this.runsRequeued.add(1);
  }

  redeliveryCheck(result: { redelivered: number; failed: number; gaveUp: number }) {
    if (result.redelivered) this.redeliveries.add(result.redelivered, { result: 'requested' });
    if (result.failed) this.redeliveries.add(result.failed, { result: 'failed' });
    if (result.gaveUp) this.redeliveries.add(result.gaveUp, { result: 'gave_up' });
  }

  detected(delayMs: number) {
    this.detectionDelay.record(delayMs / 1000);
  }

  watchRestart(cluster: string, kind: string, reason: string) {
    this.watchRestarts.add(1, { cluster, kind, reason });
  }

  kubernetesRequest(cluster: string, verb: string) {
    this.kubernetesRequests.add(1, { cluster, verb });
  }

  diagnosed(category: string) {
    this.diagnoses.add(1, { category });
  }

  /** Reports queue depth (active runs by state) whenever metrics are collected. */
  observeQueueDepth(read: () => Promise<Partial<Record<RunState, number>>>) {
    const gauge = this.meter.createObservableGauge('gort_queue_depth', {
      description: 'Runs not finished yet, by state',
    });
    gauge.addCallback(async result => {
      const counts = await read().catch(() => ({}));
      for (const [state, count] of Object.entries(counts)) {
        result.observe(count ?? 0, { state });
      }
    });
  }
}
