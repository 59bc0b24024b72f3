import { GORT_RUNS_SIGNAL_CHANNEL, GortRunSignal } from '@gort-backstage/plugin-gort-common';
import { GortEnvironment, PODINFO } from './harness/gortEnvironment';
import { describeWithPostgres } from './harness/postgres';
import { SignalsClient } from './harness/signalsClient';

jest.setTimeout(600_000);

const workedBy = (log: string, runId: string) => log.split('\n').some(line => line.includes(`GORT run ${runId} `));

describeWithPostgres('live updates across two backend replicas on one PostgreSQL database', () => {
  let env: GortEnvironment;
  const clients: SignalsClient[] = [];

  beforeAll(async () => {
    env = await GortEnvironment.start({ backends: 2, database: 'postgres' });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await env?.close();
  });

  it("a signals subscriber on one replica sees the updates of a run the other replica works", async () => {
    // one browser per replica, as a load balancer would spread them
    for (const backend of env.backends) {
      clients.push(await SignalsClient.connect(backend, await env.token(backend), GORT_RUNS_SIGNAL_CHANNEL));
    }

    const sha = await env.push('fix');
    const run = await env.waitForRun(sha, r => r.state === 'done', PODINFO, 180_000);

    const workers = env.backends.map(backend => workedBy(backend.log, run.id));
    expect(workers.filter(Boolean)).toHaveLength(1);
    const other = workers.indexOf(false);
    const otherClient = clients[other];

    // The content-free broadcast is throttled (one per interval), so it may come after "done".
    await env.waitFor(`the "done" signal of run ${run.id} and a runs-changed broadcast on ${env.backends[other].name}`, async () => {
      const messages = otherClient.on<GortRunSignal>(GORT_RUNS_SIGNAL_CHANNEL);
      return messages.some(m => m.type === 'run' && m.runId === run.id && m.state === 'done') && messages.some(m => m.type === 'runs-changed');
    },
      30_000,
      () => JSON.stringify(otherClient.messages),
    );
    const seen = otherClient.on<GortRunSignal>(GORT_RUNS_SIGNAL_CHANNEL);
    expect(seen).toContainEqual({ type: 'run', runId: run.id, entityRef: PODINFO, state: 'done' });
    // the content-free broadcast reaches it too
    expect(seen).toContainEqual({ type: 'runs-changed' });
    // No replica gave the shared bus up (events.useEventBus: always retries a 404 at startup).
    for (const backend of env.backends) expect(backend.log).not.toMatch(/events backend not found/);
    const retried = env.backends.map(b => (b.log.match(/Poll failed for subscription|Event publish request failed/g) ?? []).length);
    process.stdout.write(`event bus requests retried at startup, per replica: ${retried.join(', ')}\n`);
  });
});
