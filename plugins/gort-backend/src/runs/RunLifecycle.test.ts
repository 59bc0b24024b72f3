import { mockServices } from '@backstage/backend-test-utils';
import { RunLifecycle, RunLifecycleEvent } from './RunLifecycle';
import { recordRunMetrics, RunMetricsSink } from './runMetrics';

const event = (overrides: Partial<RunLifecycleEvent> = {}): RunLifecycleEvent => ({
  runId: 'r1',
  entityRef: 'component:default/podinfo',
  state: 'reconciling',
  previous: 'queued',
  createdAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

describe('RunLifecycle', () => {
  it('reaches every listener even when one throws or rejects, and logs the failure', async () => {
    const logger = mockServices.logger.mock();
    const lifecycle = new RunLifecycle(logger);
    const seen: string[] = [];
    lifecycle.subscribe(() => {
      throw new Error('boom');
    });
    lifecycle.subscribe(async () => {
      throw new Error('async boom');
    });
    const unsubscribe = lifecycle.subscribe(e => {
      seen.push(e.state);
    });
    lifecycle.emit(event());
    unsubscribe();
    lifecycle.emit(event({ state: 'done' }));
    await new Promise(r => setImmediate(r));
    expect(seen).toEqual(['reconciling']);
    expect(logger.warn).toHaveBeenCalledTimes(4);
    expect(String((logger.warn as jest.Mock).mock.calls[0][0])).toContain('run r1 (reconciling): Error: boom');
  });
});

describe('recordRunMetrics', () => {
  function sink() {
    const calls: string[] = [];
    const metrics: RunMetricsSink = {
      runFinished: (outcome, ms) => calls.push(`run ${outcome} ${ms}`),
      diagnosed: category => calls.push(`diagnosed ${category}`),
      detected: ms => calls.push(`detected ${ms}`),
      requeued: () => calls.push('requeued'),
    };
    return { calls, metrics };
  }

  it('counts verdicts with their duration, superseded runs, diagnoses once and detection delays', () => {
    const lifecycle = new RunLifecycle(mockServices.logger.mock());
    const { calls, metrics } = sink();
    recordRunMetrics(lifecycle, metrics, () =>
      Date.parse('2026-12-01T10:01:00.000Z'),
    );
    lifecycle.emit(
      event({
        state: 'waiting_for_source',
        previous: 'queued',
        detectionDelayMs: 12,
      }),
    );
    lifecycle.emit(
      event({
        state: 'failed',
        previous: 'reconciling',
        change: { message: 'x', outcome: 'failed' },
      }),
    );
    lifecycle.emit(
      event({
        state: 'diagnosing',
        previous: 'failed',
        change: { message: 'Diagnosing' },
      }),
    );
    lifecycle.emit(
      event({
        state: 'diagnosing',
        previous: 'diagnosing',
        change: { message: 'Diagnosed as image-pull', category: 'image-pull' },
      }),
    );
    lifecycle.emit(
      event({
        state: 'done',
        previous: 'diagnosing',
        change: { message: 'Fix: opened' },
      }),
    );
    lifecycle.emit(
      event({
        runId: 'r0',
        state: 'superseded',
        previous: 'waiting_for_source',
        supersededBy: 'r1',
      }),
    );
    // r0's superseding push turns out older: r0 is queued again, then succeeds
    lifecycle.emit(
      event({ runId: 'r0', state: 'queued', previous: 'superseded' }),
    );
    lifecycle.emit(
      event({ runId: 'r0', state: 'succeeded', previous: 'reconciling' }),
    );
    expect(calls).toEqual([
      'detected 12',
      'run failed 60000',
      'diagnosed image-pull',
      'run superseded 60000',
      'requeued',
      'run succeeded 60000',
    ]);
  });
});

describe('RunLifecycle.runCreated', () => {
  it('announces the new run, then each run it superseded', () => {
    const lifecycle = new RunLifecycle(mockServices.logger.mock());
    const seen: RunLifecycleEvent[] = [];
    lifecycle.subscribe(e => {
      seen.push(e);
    });
    lifecycle.runCreated({ runId: 'r2', entityRef: 'component:default/podinfo', trigger: 'push', createdAt: '2026-12-01T10:00:00.000Z', superseded: ['r1'] });
    expect(seen).toEqual([
      { runId: 'r2', entityRef: 'component:default/podinfo', state: 'queued', trigger: 'push', createdAt: '2026-12-01T10:00:00.000Z' },
      { runId: 'r1', entityRef: 'component:default/podinfo', state: 'superseded', supersededBy: 'r2' },
    ]);
  });
});
