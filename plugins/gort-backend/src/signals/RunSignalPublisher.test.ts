import { mockServices } from '@backstage/backend-test-utils';
import { SignalPayload } from '@backstage/plugin-signals-node';
import { RunLifecycle } from '../runs/RunLifecycle';
import { RunSignalPublisher } from './RunSignalPublisher';

describe('RunSignalPublisher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function publisher(owners: Record<string, string[]>) {
    const sent: SignalPayload[] = [];
    const signals = { publish: async (payload: SignalPayload) => void sent.push(payload) };
    const runSignals = new RunSignalPublisher({
      signals,
      ownersOf: async ref => owners[ref] ?? [],
      logger: mockServices.logger.mock(),
      broadcastIntervalMs: 1000,
    });
    return { sent, runSignals };
  }

  it('sends the run to its owners only, and one content-free broadcast per interval', async () => {
    const { sent, runSignals } = publisher({ 'component:default/podinfo': ['group:default/team-a'] });
    await runSignals.runChanged({ id: 'r1', entityRef: 'component:default/podinfo' }, 'reconciling');
    await runSignals.runChanged({ id: 'r1', entityRef: 'component:default/podinfo' }, 'failed');
    await runSignals.runChanged({ id: 'r2', entityRef: 'component:default/unowned' }, 'queued');
    expect(sent).toEqual([
      {
        recipients: { type: 'user', entityRef: ['group:default/team-a'] },
        channel: 'gort:runs',
        message: { type: 'run', runId: 'r1', entityRef: 'component:default/podinfo', state: 'reconciling' },
      },
      {
        recipients: { type: 'user', entityRef: ['group:default/team-a'] },
        channel: 'gort:runs',
        message: { type: 'run', runId: 'r1', entityRef: 'component:default/podinfo', state: 'failed' },
      },
    ]);
    jest.advanceTimersByTime(1000);
    const broadcasts = sent.filter(s => s.recipients.type === 'broadcast');
    expect(broadcasts).toEqual([
      { recipients: { type: 'broadcast' }, channel: 'gort:runs', message: { type: 'runs-changed' } },
    ]);
    // nothing of the run travels to everyone
    expect(JSON.stringify(broadcasts)).not.toMatch(/podinfo|r1|unowned/);
  });

  it('never throws when signals fail', async () => {
    const runSignals = new RunSignalPublisher({
      signals: { publish: async () => Promise.reject(new Error('down')) },
      ownersOf: async () => ['user:default/ada'],
      logger: mockServices.logger.mock(),
    });
    await expect(runSignals.runChanged({ id: 'r1', entityRef: 'component:default/x' }, 'done')).resolves.toBeUndefined();
    runSignals.stop();
  });

  it('follows the run lifecycle, and sends none of a change\'s text', async () => {
    const { sent, runSignals } = publisher({ 'component:default/podinfo': ['user:default/ada'] });
    const lifecycle = new RunLifecycle(mockServices.logger.mock());
    runSignals.follow(lifecycle);
    lifecycle.emit({
      runId: 'r1',
      entityRef: 'component:default/podinfo',
      state: 'failed',
      change: { message: 'secret cluster text' },
    });
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(1000);
    expect(sent.map(s => s.message)).toEqual([
      { type: 'run', runId: 'r1', entityRef: 'component:default/podinfo', state: 'failed' },
      { type: 'runs-changed' },
    ]);
  });
});
