import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { FailedDeliveryRedelivery, HookDeliveriesPort } from './FailedDeliveryRedelivery';
import { readRedeliveryConfig } from './readRedeliveryConfig';
import type { HookDelivery } from './selectRedeliveries';

const now = new Date('2026-12-01T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();

class FakeHooks implements HookDeliveriesPort {
  readonly listed: Array<{ repo: string; hookId: number; since: string }> = [];
  readonly redelivered: Array<{ repo: string; hookId: number; id: number }> = [];
  constructor(
    private readonly deliveries: Record<string, HookDelivery[] | Error>,
    private readonly refuse = new Set<number>(),
  ) {}
  async list(repo: { owner: string; repo: string }, hookId: number, since: Date) {
    const name = `${repo.owner}/${repo.repo}`;
    this.listed.push({ repo: name, hookId, since: since.toISOString() });
    const answer = this.deliveries[name];
    if (answer instanceof Error) throw answer;
    return answer ?? [];
  }
  async redeliver(repo: { owner: string; repo: string }, hookId: number, id: number) {
    if (this.refuse.has(id)) throw new Error('Validation Failed');
    this.redelivered.push({ repo: `${repo.owner}/${repo.repo}`, hookId, id });
  }
}

const push = (id: number, guid: string, statusCode: number, hoursAgo: number): HookDelivery => ({
  id,
  guid,
  deliveredAt: ago(hoursAgo),
  redelivery: false,
  statusCode,
  event: 'push',
});

describe('FailedDeliveryRedelivery', () => {
  it('redelivers the failed deliveries of each hook in the look-back window; one failing repository does not stop the others', async () => {
    const hooks = new FakeHooks(
      {
        'acme/gitops': [push(5, 'lost', 503, 1), push(4, 'known', 500, 2), push(3, 'ok', 202, 3), push(2, 'old', 500, 30)],
        'acme/broken': new Error('Not Found'),
        'acme/other': [push(9, 'refused-by-github', 500, 1), push(8, 'also-lost', 0, 2)],
      },
      new Set([9]),
    );
    const asked: string[][] = [];
    const logger = mockServices.logger.mock();
    const check = new FailedDeliveryRedelivery({
      hooks: [
        { repo: 'acme/gitops', hookId: 1 },
        { repo: 'acme/broken', hookId: 2 },
        { repo: 'acme/other', hookId: 3 },
      ],
      api: hooks,
      knownDeliveryIds: async ids => {
        asked.push(ids);
        return new Set(ids.filter(id => id === 'known'));
      },
      lookBackMs: 24 * 3_600_000,
      maxRedeliveries: 3,
      logger,
      clock: () => now,
    });
    expect(await check.check()).toEqual({ redelivered: 2, failed: 2, gaveUp: 0 });
    expect(hooks.redelivered).toEqual([
      { repo: 'acme/gitops', hookId: 1, id: 5 },
      { repo: 'acme/other', hookId: 3, id: 8 },
    ]);
    expect(hooks.listed.map(l => l.since)).toEqual([ago(24), ago(24), ago(24)]);
    expect(asked[0].sort()).toEqual(['known', 'lost', 'ok', 'old']);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('could not check the failed deliveries of hook 2 on acme/broken: Error: Not Found'));
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('could not redeliver delivery 9 (refused-by-github) of acme/other'));
  });

  it('stops when the scheduler aborts', async () => {
    const hooks = new FakeHooks({ 'acme/gitops': [push(5, 'lost', 503, 1)] });
    const controller = new AbortController();
    controller.abort();
    const check = new FailedDeliveryRedelivery({
      hooks: [{ repo: 'acme/gitops', hookId: 1 }],
      api: hooks,
      knownDeliveryIds: async () => new Set(),
      lookBackMs: 3_600_000 * 24,
      maxRedeliveries: 3,
      logger: mockServices.logger.mock(),
      clock: () => now,
    });
    expect(await check.check(controller.signal)).toEqual({ redelivered: 0, failed: 0, gaveUp: 0 });
    expect(hooks.listed).toEqual([]);
  });
});

describe('readRedeliveryConfig', () => {
  const read = (redelivery: JsonValue) => readRedeliveryConfig(new ConfigReader({ gort: { webhook: { redelivery } } }));

  it('is off unless configured, and reads the hooks with the defaults', () => {
    expect(readRedeliveryConfig(new ConfigReader({ gort: {} }))).toBeUndefined();
    expect(read({ repositories: [{ repo: 'acme/gitops', hookId: 12 }] })).toEqual({
      hooks: [{ repo: 'acme/gitops', hookId: 12 }],
      lookBackMs: 24 * 3_600_000,
      maxRedeliveries: 3,
    });
    expect(read({ repositories: [], lookBack: '72h', maxRedeliveries: 1 })).toMatchObject({ lookBackMs: 72 * 3_600_000, maxRedeliveries: 1 });
  });

  it('refuses what it cannot use', () => {
    expect(() => read({ repositories: [{ repo: 'gitops', hookId: 1 }] })).toThrow(/repositories\[0\]\.repo: "gitops"; use owner\/repo/);
    expect(() => read({ repositories: [{ repo: 'acme/gitops', hookId: 1.5 }] })).toThrow(/hookId/);
    expect(() => read({ repositories: [], lookBack: '96h' })).toThrow(/up to 72h \(GitHub keeps deliveries for 3 days\)/);
    expect(() => read({ repositories: [], lookBack: 'soon' })).toThrow(/lookBack/);
    expect(() => read({ repositories: [], maxRedeliveries: 0 })).toThrow(/maxRedeliveries/);
  });
});
