import { mockServices } from '@backstage/backend-test-utils';
import { SignalPayload } from '@backstage/plugin-signals-node';
import { RunLifecycle } from '../runs/RunLifecycle';
import { RunSignalPublisher } from './RunSignalPublisher';

describe('RunSignalPublisher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const PODINFO = 'component:default/podinfo';
  const toOwners = (entityRef: string[], runId: string, state: string, ref = PODINFO) => ({
    recipients: { type: 'user', entityRef },
    channel: 'gort:runs',
    message: { type: 'run', runId, entityRef: ref, state },
  });

  function publisher(owners: Record<string, string[]>, options: { ownersTtlMs?: number } = {}) {
    const sent: SignalPayload[] = [];
    const ownerReads: string[] = [];
    const signals = { publish: async (payload: SignalPayload) => void sent.push(payload) };
    const runSignals = new RunSignalPublisher({
      signals,
      ownersOf: async ref => {
        ownerReads.push(ref);
        return owners[ref] ?? [];
      },
      logger: mockServices.logger.mock(),
      broadcastIntervalMs: 1000,
      runWindowMs: 200,
      now: () => Date.now(),
      ...options,
    });
    const toRuns = () => sent.filter(s => s.recipients.type === 'user');
    return { sent, toRuns, ownerReads, runSignals };
  }

  it('sends the run to its owners only, and one content-free broadcast per interval', async () => {
    const { sent, toRuns, runSignals } = publisher({ [PODINFO]: ['group:default/team-a'] });
    runSignals.runChanged({ id: 'r1', entityRef: PODINFO }, 'failed');
    runSignals.runChanged({ id: 'r2', entityRef: 'component:default/unowned' }, 'queued');
    await jest.advanceTimersByTimeAsync(200);
    expect(toRuns()).toEqual([toOwners(['group:default/team-a'], 'r1', 'failed')]);
    await jest.advanceTimersByTimeAsync(800);
    const broadcasts = sent.filter(s => s.recipients.type === 'broadcast');
    expect(broadcasts).toEqual([
      { recipients: { type: 'broadcast' }, channel: 'gort:runs', message: { type: 'runs-changed' } },
    ]);
    // nothing of the run travels to everyone
    expect(JSON.stringify(broadcasts)).not.toMatch(/podinfo|r1|unowned/);
  });

  it('coalesces a burst of changes of a run into one signal with the latest state, off the caller\'s path', async () => {
    const { toRuns, runSignals } = publisher({ [PODINFO]: ['group:default/team-a'] });
    runSignals.runChanged({ id: 'r1', entityRef: PODINFO }, 'queued');
    runSignals.runChanged({ id: 'r1', entityRef: PODINFO }, 'waiting_for_source');
    runSignals.runChanged({ id: 'r2', entityRef: PODINFO }, 'queued');
    await jest.advanceTimersByTimeAsync(100);
    runSignals.runChanged({ id: 'r1', entityRef: PODINFO }, 'reconciling');
    runSignals.runChanged({ id: 'r2', entityRef: PODINFO }, 'waiting_for_source');
    // nothing is sent while the window is open
    expect(toRuns()).toEqual([]);
    await jest.advanceTimersByTimeAsync(100);
    expect(toRuns()).toEqual([
      toOwners(['group:default/team-a'], 'r1', 'reconciling'),
      toOwners(['group:default/team-a'], 'r2', 'waiting_for_source'),
    ]);
  });

  it('announces a run created and superseded within one window through the run that superseded it', async () => {
    const { toRuns, runSignals } = publisher({ [PODINFO]: ['user:default/ada'] });
    // r0 was announced in an earlier window: its supersession is sent
    runSignals.runChanged({ id: 'r0', entityRef: PODINFO }, 'queued');
    await jest.advanceTimersByTimeAsync(200);
    // a burst of pushes: each new run supersedes the one before
    const lifecycle = new RunLifecycle(mockServices.logger.mock());
    runSignals.follow(lifecycle);
    const createdAt = new Date().toISOString();
    lifecycle.runCreated({ runId: 'r1', entityRef: PODINFO, trigger: 'push', createdAt, superseded: ['r0'] });
    lifecycle.runCreated({ runId: 'r2', entityRef: PODINFO, trigger: 'push', createdAt, superseded: ['r1'] });
    lifecycle.runCreated({ runId: 'r3', entityRef: PODINFO, trigger: 'push', createdAt, superseded: ['r2'] });
    await jest.advanceTimersByTimeAsync(200);
    expect(toRuns().map(s => s.message)).toEqual([
      { type: 'run', runId: 'r0', entityRef: PODINFO, state: 'queued' },
      { type: 'run', runId: 'r0', entityRef: PODINFO, state: 'superseded' },
      { type: 'run', runId: 'r3', entityRef: PODINFO, state: 'queued' },
    ]);
  });

  it('sends a change after the window in a signal of its own', async () => {
    const { toRuns, runSignals } = publisher({ [PODINFO]: ['user:default/ada'] });
    runSignals.runChanged({ id: 'r1', entityRef: PODINFO }, 'reconciling');
    await jest.advanceTimersByTimeAsync(200);
    runSignals.runChanged({ id: 'r1', entityRef: PODINFO }, 'failed');
    runSignals.runChanged({ id: 'r1', entityRef: PODINFO }, 'diagnosing');
    await jest.advanceTimersByTimeAsync(200);
    await jest.advanceTimersByTimeAsync(500);
    runSignals.runChanged({ id: 'r1', entityRef: PODINFO }, 'done');
    await runSignals.flush();
    expect(toRuns().map(s => (s.message as { state: string }).state)).toEqual(['reconciling', 'diagnosing', 'done']);
  });

  it('reads the owners of an entity once per TTL, and again after it', async () => {
    const { ownerReads, runSignals, toRuns } = publisher({ [PODINFO]: ['user:default/ada'] }, { ownersTtlMs: 10_000 });
    for (let i = 0; i < 5; i++) {
      runSignals.runChanged({ id: `r${i}`, entityRef: PODINFO }, 'queued');
      await jest.advanceTimersByTimeAsync(200);
    }
    expect(toRuns()).toHaveLength(5);
    expect(ownerReads).toEqual([PODINFO]);
    await jest.advanceTimersByTimeAsync(10_000);
    runSignals.runChanged({ id: 'r9', entityRef: PODINFO }, 'queued');
    await jest.advanceTimersByTimeAsync(200);
    expect(ownerReads).toEqual([PODINFO, PODINFO]);
  });

  it('never throws when signals or the owner lookup fail, and reads failed owners again', async () => {
    let reads = 0;
    const runSignals = new RunSignalPublisher({
      signals: { publish: async () => Promise.reject(new Error('down')) },
      ownersOf: async () => {
        reads++;
        if (reads === 1) throw new Error('database down');
        return ['user:default/ada'];
      },
      logger: mockServices.logger.mock(),
    });
    expect(() => runSignals.runChanged({ id: 'r1', entityRef: 'component:default/x' }, 'done')).not.toThrow();
    await expect(runSignals.flush()).resolves.toBeUndefined();
    runSignals.runChanged({ id: 'r1', entityRef: 'component:default/x' }, 'done');
    await expect(runSignals.flush()).resolves.toBeUndefined();
    expect(reads).toBe(2);
    runSignals.stop();
  });

  it('follows the run lifecycle, and sends none of a change\'s text', async () => {
    const { sent, runSignals } = publisher({ [PODINFO]: ['user:default/ada'] });
    const lifecycle = new RunLifecycle(mockServices.logger.mock());
    runSignals.follow(lifecycle);
    lifecycle.emit({
      runId: 'r1',
      entityRef: PODINFO,
      state: 'failed',
      change: { message: 'secret cluster text' },
    });
    await jest.advanceTimersByTimeAsync(1000);
    expect(sent.map(s => s.message)).toEqual([
      { type: 'run', runId: 'r1', entityRef: PODINFO, state: 'failed' },
      { type: 'runs-changed' },
    ]);
  });
});
