import { mockServices } from '@backstage/backend-test-utils';
import { scheduleGortTasks } from './scheduleGortTasks';

describe('scheduleGortTasks', () => {
  it('uses the configured schedule over the default, keeps the scope and hands the abort signal on', async () => {
    const scheduler = mockServices.scheduler.mock();
    const config = mockServices.rootConfig({ data: { gort: { watchers: { refresh: { frequency: { seconds: 2 }, timeout: { seconds: 30 } } } } } });
    const signals: AbortSignal[] = [];
    await scheduleGortTasks(scheduler, config, [
      { id: 'a', configKey: 'gort.watchers.refresh', schedule: { frequency: { minutes: 5 }, timeout: { minutes: 1 } }, run: async s => signals.push(s) },
      { id: 'b', configKey: 'gort.absent', scope: 'local', schedule: { frequency: { seconds: 1 }, timeout: { minutes: 5 } }, run: async () => {} },
    ]);
    const calls = (scheduler.scheduleTask as jest.Mock).mock.calls.map(([task]) => task);
    expect(calls[0]).toMatchObject({ id: 'a', frequency: { seconds: 2 }, timeout: { seconds: 30 } });
    expect(calls[0].scope).toBeUndefined();
    expect(calls[1]).toMatchObject({ id: 'b', scope: 'local', frequency: { seconds: 1 }, timeout: { minutes: 5 } });
    const controller = new AbortController();
    await calls[0].fn(controller.signal);
    expect(signals).toEqual([controller.signal]);
  });
});
