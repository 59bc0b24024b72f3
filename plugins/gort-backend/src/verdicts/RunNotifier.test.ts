import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { Run } from '@gort-backstage/plugin-gort-common';
import type { RunStore } from '../database/RunStore';
import { LeaseLostError, SideEffectGuard } from '../runs/ports';
import { RunNotifier } from './RunNotifier';
import { notificationFor } from './runNotification';

function run(facts: Partial<Run>): Run {
  return {
    id: 'run-1',
    entityRef: 'component:default/podinfo',
    repo: 'acme/podinfo-gitops',
    branch: 'main',
    sha: 'c'.repeat(40),
    trigger: 'push',
    state: 'done',
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    deadlineAt: '2026-12-01T00:10:00Z',
    objects: [],
    timeline: [],
    verdicts: [],
    evidence: [],
    ...facts,
  };
}
const failure = { object: 'Kustomization/flux-system/podinfo', reason: 'HealthCheckFailed', message: 'timeout; token=ghp_abcdefghijklmnopqrstuvwxyz0123456789' };

describe('notificationFor', () => {
  it('gives a failure high severity, a redacted text and a scope per watcher and fingerprint', () => {
    const first = notificationFor(run({ outcome: 'failed', category: 'image-pull', failure }), '/run-1')!;
    expect(first.payload).toMatchObject({ severity: 'high', topic: 'gort', link: '/run-1' });
    expect(first.payload.scope).toMatch(/^gort:component:default\/podinfo:[0-9a-f]{16}$/);
    expect(JSON.stringify(first.payload)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    // the same failure on a later commit: the same scope (one notification, updated)
    const repeat = notificationFor(run({ id: 'run-2', sha: 'd'.repeat(40), outcome: 'failed', category: 'image-pull', failure }), '/run-2')!;
    expect(repeat.payload.scope).toBe(first.payload.scope);
    // another failure: another scope
    const other = notificationFor(run({ outcome: 'failed', category: 'oom-killed', failure: { ...failure, reason: 'OOMKilled' } }), '/run-3')!;
    expect(other.payload.scope).not.toBe(first.payload.scope);
  });

  it('uses the fix PR fingerprint and names the PR when one was opened', () => {
    const fixPr = { status: 'opened' as const, message: '', url: 'https://github.example/pull/4', number: 4, fingerprint: 'f00dfeedf00dfeed', validation: [] };
    const notification = notificationFor(run({ outcome: 'failed', category: 'image-pull', failure, fixPr }), '/run-1')!;
    expect(notification.payload.scope).toBe('gort:component:default/podinfo:f00dfeedf00dfeed');
    expect(notification.payload.description).toContain('Fix PR #4 opened: https://github.example/pull/4');
  });

  it('grades severity by outcome and stays quiet on plain success', () => {
    expect(notificationFor(run({ outcome: 'timed_out', failure }), '/x')?.payload.severity).toBe('high');
    expect(notificationFor(run({ outcome: 'succeeded', intentMet: false }), '/x')?.payload.severity).toBe('normal');
    expect(notificationFor(run({ outcome: 'succeeded', commit: { message: 'Merge pull request #4 from acme/gort/fix/podinfo/abc1234' } }), '/x')?.payload.severity).toBe('low');
    expect(notificationFor(run({ outcome: 'succeeded', intentMet: true }), '/x')).toBeUndefined();
    expect(notificationFor(run({ state: 'reconciling' }), '/x')).toBeUndefined();
  });
});

describe('RunNotifier', () => {
  function setup(options: { annotations?: Record<string, string>; enabled?: boolean; users?: Record<string, string> } = {}) {
    const sent: NotificationSendOptions[] = [];
    const stored = run({ outcome: 'failed', category: 'image-pull', failure, commit: { author: 'octo-dev' } });
    const notifier = new RunNotifier({
      notifications: { send: async (n: NotificationSendOptions) => void sent.push(n) },
      runStore: { getRun: async () => stored } as unknown as RunStore,
      entities: async () => ({ annotations: options.annotations ?? {} }),
      ownersOf: async () => ['group:default/platform-team'],
      userForGitHubLogin: async login => options.users?.[login],
      config: { enabled: options.enabled ?? true },
      appBaseUrl: 'https://backstage.example',
      logger: mockServices.logger.mock(),
    });
    return {
      sent,
      notify: (fence?: SideEffectGuard) =>
        notifier.onFinished({
          runId: 'run-1',
          entityRef: stored.entityRef,
          state: 'done',
          ...(fence ? { fence } : {}),
        }),
    };
  }

  it('sends nothing when the lease fence of the finishing change refuses, and sends when it holds', async () => {
    const { sent, notify } = setup();
    await notify(async what => {
      throw new LeaseLostError(`run-1: lease lost before "${what}"`);
    });
    expect(sent).toHaveLength(0);
    const asked: string[] = [];
    await notify(async what => void asked.push(what));
    expect(asked).toEqual(['notify the owners of component:default/podinfo']);
    expect(sent).toHaveLength(1);
  });

  it('sends to the owners and to the pusher the catalog knows by GitHub login', async () => {
    const { sent, notify } = setup({ users: { 'octo-dev': 'user:default/octo' } });
    await notify();
    expect(sent).toHaveLength(1);
    expect(sent[0].recipients).toEqual({ type: 'entity', entityRef: ['group:default/platform-team', 'user:default/octo'] });
    expect(sent[0].payload.link).toBe('/catalog/default/component/podinfo/gitops/runs/run-1');
  });

  it('sends nothing when switched off for the entity or globally', async () => {
    const off = setup({ annotations: { 'gort.io/notifications': 'off' } });
    await off.notify();
    const global = setup({ enabled: false });
    await global.notify();
    expect([...off.sent, ...global.sent]).toEqual([]);
  });
});
