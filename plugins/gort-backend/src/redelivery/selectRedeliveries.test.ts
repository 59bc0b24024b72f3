import { HookDelivery, selectRedeliveries } from './selectRedeliveries';

const since = new Date('2026-12-01T10:00:00Z');
const at = (minutes: number) => new Date(since.getTime() + minutes * 60_000).toISOString().replace('.000', '');
const d = (id: number, guid: string, statusCode: number, minutes: number, extra: Partial<HookDelivery> = {}): HookDelivery => ({
  id,
  guid,
  deliveredAt: at(minutes),
  redelivery: false,
  statusCode,
  event: 'push',
  ...extra,
});

describe('selectRedeliveries', () => {
  it('picks failed push deliveries of the window that GORT never stored and no attempt of which succeeded', () => {
    const deliveries = [
      d(9, 'down', 0, 50), // no answer at all (the backend was down)
      d(8, 'server-error', 503, 40),
      d(7, 'fixed-later', 200, 35, { redelivery: true }),
      d(6, 'fixed-later', 500, 30),
      d(5, 'stored', 500, 20), // GORT stored it, then the answer timed out
      d(4, 'ping', 500, 15, { event: 'ping' }),
      d(3, 'accepted', 202, 10),
      d(2, 'too-old', 500, -1),
    ];
    const { redeliver, gaveUp } = selectRedeliveries(deliveries, { since, known: new Set(['stored']), maxRedeliveries: 3 });
    expect(redeliver.map(x => x.guid)).toEqual(['server-error', 'down']);
    expect(gaveUp).toEqual([]);
  });

  it('redelivers the newest attempt once per event, and gives up after maxRedeliveries failed redeliveries', () => {
    const deliveries = [
      d(14, 'refused', 401, 24, { redelivery: true }),
      d(13, 'refused', 401, 23, { redelivery: true }),
      d(12, 'again', 500, 22, { redelivery: true }),
      d(11, 'refused', 401, 21),
      d(10, 'again', 500, 20),
    ];
    const { redeliver, gaveUp } = selectRedeliveries(deliveries, { since, known: new Set(), maxRedeliveries: 2 });
    expect(redeliver.map(x => [x.guid, x.id])).toEqual([['again', 12]]);
    expect(gaveUp).toEqual(['refused']);
  });

  it('goes by the oldest attempt listed when the original has left the list', () => {
    const deliveries = [d(21, 'a', 500, 5, { redelivery: true }), d(20, 'b', 500, -5, { redelivery: true })];
    expect(selectRedeliveries(deliveries, { since, known: new Set(), maxRedeliveries: 3 }).redeliver.map(x => x.guid)).toEqual(['a']);
  });
});
