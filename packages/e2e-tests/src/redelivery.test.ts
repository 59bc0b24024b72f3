import { SANDBOX_DEFAULTS } from '@gort-backstage/sandbox';
import type { Run } from '@gort-backstage/plugin-gort-common';
import { GortEnvironment } from './harness/gortEnvironment';

/*
 * GitHub does not redeliver a failed delivery by itself. Where GORT owns the
 * repository webhook (gort.webhook.redelivery), its scheduled check finds the
 * push deliveries that failed and asks for them again through the hook
 * deliveries API of the sandbox GitHub.
 */
jest.setTimeout(600_000);

const finished = (run: Run) => ['done', 'error', 'superseded'].includes(run.state);

describe('scheduled redelivery of failed deliveries', () => {
  let env: GortEnvironment;

  beforeAll(async () => {
    env = await GortEnvironment.start({
      gortConfig: {
        webhook: {
          secret: SANDBOX_DEFAULTS.webhookSecret,
          redelivery: {
            // The sandbox's hook sends X-GitHub-Hook-ID 1.
            repositories: [{ repo: 'acme/podinfo-gitops', hookId: 1 }],
            schedule: { frequency: { seconds: 2 }, timeout: { seconds: 30 } },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('redelivers a push that reached the backend while it was down, once, and its run appears', async () => {
    await env.backend.stop();
    const sha = await env.push('fix');
    await env.sandbox.github.waitForDeliveries();
    const lost = env.sandbox.github.deliveries().find(d => d.event === 'push' && (d.payload as any).after === sha)!;
    expect(lost).toMatchObject({ ok: false, redelivery: false });
    expect(lost.statusCode).toBeUndefined();

    await env.backend.start();
    const run = await env.waitForRun(sha, finished, undefined, 240_000);
    expect(run).toMatchObject({ sha, trigger: 'push', state: 'done', outcome: 'succeeded' });
    const redeliveries = () => env.sandbox.github.deliveries().filter(d => d.id === lost.id && d.redelivery);
    expect(redeliveries()).toEqual([expect.objectContaining({ ok: true, statusCode: 202 })]);
    expect(env.backend.log).toContain(`GORT asked GitHub to redeliver push delivery ${lost.id} of acme/podinfo-gitops`);

    // Later checks leave it alone (a redelivery succeeded), and so they do a push delivered the first time.
    const next = await env.push('fix');
    await env.waitForRun(next, finished, undefined, 240_000);
    await new Promise(resolve => setTimeout(resolve, 6_000));
    expect(redeliveries()).toHaveLength(1);
    expect(env.sandbox.github.deliveries().filter(d => d.redelivery)).toHaveLength(1);
    expect((await env.runs()).filter(r => r.sha === sha)).toHaveLength(1);
  });
});
