import { SANDBOX_DEFAULTS } from '@gort-backstage/sandbox';
import { GortEnvironment, PODINFO } from './harness/gortEnvironment';
import { describeWithPostgres } from './harness/postgres';

jest.setTimeout(600_000);

const PUSHES = 50;
const SECOND = 'component:default/podinfo-copy-0';

const runLines = (log: string, runId: string) =>
  log.split('\n').filter(line => line.includes(`GORT run ${runId} `));

describeWithPostgres('two backend replicas on one PostgreSQL database', () => {
  let env: GortEnvironment;

  beforeAll(async () => {
    env = await GortEnvironment.start({ backends: 2, database: 'postgres', extraEntities: 1 });
  });

  afterAll(async () => {
    await env?.close();
  });

  it(`shares a burst of ${PUSHES} pushes without doing any run twice`, async () => {
    const shas: string[] = [];
    for (let i = 0; i < PUSHES; i++) {
      // a load balancer in front of the replicas: deliveries alternate
      env.sandbox.github.setWebhook({
        url: `${env.backends[i % 2].baseUrl}/api/gort/webhook`,
        secret: SANDBOX_DEFAULTS.webhookSecret,
      });
      shas.push(await env.push('fix'));
      await env.sandbox.github.waitForDeliveries();
    }
    const deliveries = env.sandbox.github.deliveries().filter(d => d.event === 'push');
    expect(deliveries.filter(d => d.statusCode === 202)).toHaveLength(PUSHES);

    const last = shas[shas.length - 1];
    for (const entityRef of [PODINFO, SECOND]) {
      await env.waitForRun(last, run => run.state === 'done', entityRef, 180_000);
    }
    const runs = [...(await env.runs(PODINFO)), ...(await env.runs(SECOND))];
    expect(runs).toHaveLength(2 * PUSHES);
    expect(runs.filter(r => r.state === 'done' && r.outcome === 'succeeded').length).toBeGreaterThanOrEqual(2);
    expect(runs.every(r => ['done', 'superseded'].includes(r.state))).toBe(true);

    const logs = env.backends.map(b => b.log);
    let workedOnByBoth = 0;
    for (const summary of runs) {
      const run = await env.run(summary.id);
      // diagnosing and validating repeat on purpose: they carry progress messages
      const states = run.timeline.map(e => e.state).filter(s => s !== 'diagnosing' && s !== 'validating');
      expect(new Set(states).size).toBe(states.length);
      expect(states.filter(s => ['done', 'superseded'].includes(s))).toHaveLength(1);
      if (logs.every(log => runLines(log, run.id).length > 0)) workedOnByBoth += 1;
    }
    expect(workedOnByBoth).toBe(0);
    // both replicas did work
    for (const log of logs) expect(log).toMatch(/GORT run [0-9a-f-]{36} /);
  });
});
