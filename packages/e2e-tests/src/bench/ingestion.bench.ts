/*
 * Webhook and runs API figures for one backend, on SQLite or PostgreSQL,
 * each ratio measured in one run against the same backend:
 *   1. saturation throughput of followed-push acknowledgements vs signed pings;
 *   2. p50/p99 of push acknowledgements at an open-loop 100 deliveries/s;
 *   3. time to acknowledge one push that 1,000 watchers follow;
 *   4. runs API p95 with many runs seeded in bulk.
 */
import { GortEnvironment, PODINFO } from '../harness/gortEnvironment';
import { deliver, pushBody } from './deliveries';
import { loadInWorker, LoadSpec } from './loadGenerator';
import { seedRuns } from './seedRuns';
import { loadNote, ms, percentile, processCpuMs } from './stats';
import { randomBytes } from 'node:crypto';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const FANOUT_WATCHERS = 1000;
const FANOUT_REPO = 'acme/fanout';
const FOLLOWED_REPO = 'acme/podinfo-gitops';

export interface EngineFigures {
  engine: 'sqlite' | 'postgres';
  pingPerSecond: number;
  pushPerSecond: number;
  /** Backend CPU per delivery (ms), from /proc. */
  pingCpuMs?: number;
  pushCpuMs?: number;
  openLoop: { rate: number; p50: number; p99: number; max: number };
  fanoutAckMs: number;
  fanoutRuns: number;
  seededRuns: number;
  seedSeconds: number;
  runsApi: Record<string, { p50: number; p95: number }>;
}

async function timeRequests(count: number, request: () => Promise<{ status: number }>) {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const { status } = await request();
    if (status !== 200) throw new Error(`runs API answered ${status}`);
    latencies.push(performance.now() - started);
  }
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

export async function engineFigures(engine: 'sqlite' | 'postgres', seedCount: number, withRunsApi = true): Promise<EngineFigures> {
  const log = (line: string) => console.log(`[${engine}] ${line} — ${loadNote()}`);
  const env = await GortEnvironment.start({
    database: engine,
    extraEntities: FANOUT_WATCHERS,
    extraEntityAnnotations: () => ({ 'gort.io/target-repo': FANOUT_REPO }),
    // GORT's own schedule (30 s), not the e2e harness's 2 s: a catalog read
    // of 1,001 entities every 2 s is a test setting, not what runs in production
    gortConfig: { watchers: { refresh: { frequency: { seconds: 30 }, timeout: { minutes: 2 } } } },
  });
  try {
    const base = env.backend.baseUrl;
    // the senders run in a worker thread, away from the sandbox's work
    let head: string | undefined;
    const load = async (spec: DistributiveOmit<LoadSpec, 'baseUrl' | 'repo' | 'head'>) => {
      const result = await loadInWorker({ ...spec, baseUrl: base, repo: FOLLOWED_REPO, head } as LoadSpec);
      if (result.head) head = result.head;
      return result;
    };
    await load({ event: 'ping', mode: 'saturation', total: 100, concurrency: 10 });
    await load({ event: 'push', mode: 'saturation', total: 100, concurrency: 10 });

    const CONCURRENCY = 20;
    const SENT = 1500;
    const cpu = () => processCpuMs(env.backend.pid);
    const cpuBeforePing = cpu();
    const pingPerSecond = (await load({ event: 'ping', mode: 'saturation', total: SENT, concurrency: CONCURRENCY })).perSecond!;
    const pingCpuMs = perDelivery(cpuBeforePing, cpu(), SENT);
    log(
      `signed ping saturation (${SENT}, ${CONCURRENCY} concurrent): ${pingPerSecond.toFixed(
        0,
      )}/s`,
    );
    const cpuBeforePush = cpu();
    const pushPerSecond = (await load({ event: 'push', mode: 'saturation', total: SENT, concurrency: CONCURRENCY })).perSecond!;
    log(
      `followed push saturation (${SENT}, ${CONCURRENCY} concurrent): ${pushPerSecond.toFixed(
        0,
      )}/s = ${(pushPerSecond / pingPerSecond).toFixed(2)}× ping`,
    );
    // the runs are created after the answers: count the drain and the checks it starts too
    await untilInboxEmpty(env);
    await new Promise(r => setTimeout(r, 2000));
    const pushCpuMs = perDelivery(cpuBeforePush, cpu(), SENT);
    if (pingCpuMs !== undefined && pushCpuMs !== undefined) {
      log(
        `backend CPU per signed ping ${pingCpuMs.toFixed(
          2,
        )} ms; per followed push, with its drain and checks, ${pushCpuMs.toFixed(
          2,
        )} ms`,
      );
    }

    const RATE = 100;
    const latencies = (await load({ event: 'push', mode: 'openLoop', rate: RATE, seconds: 10 })).latencies!;
    const open = { rate: RATE, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
    log(`followed pushes open-loop at ${RATE}/s for 10 s: p50 ${ms(open.p50)}, p99 ${ms(open.p99)}, max ${ms(open.max)}`);

    let seedSeconds = 0;
    const runsApi: EngineFigures['runsApi'] = {};
    if (withRunsApi) seedSeconds = await runsApiFigures(env, seedCount, runsApi, log);

    const fanout = await deliver(base, 'push', pushBody(FANOUT_REPO, randomBytes(20).toString('hex')));
    if (fanout.status !== 202) throw new Error(`the fan-out push was answered ${fanout.status}`);
    const fanoutRuns = (await env.api<{ items: unknown[] }>(`/runs?entityRef=component:default/podinfo-copy-${FANOUT_WATCHERS - 1}&limit=5`)).body.items.length;
    log(`one push followed by ${FANOUT_WATCHERS} watchers acknowledged in ${ms(fanout.ms)}`);

    return {
      engine,
      pingPerSecond,
      pushPerSecond,
      pingCpuMs,
      pushCpuMs,
      openLoop: open,
      fanoutAckMs: fanout.ms,
      fanoutRuns,
      seededRuns: withRunsApi ? seedCount : 0,
      seedSeconds,
      runsApi,
    };
  } finally {
    await env.close();
  }
}

function perDelivery(
  before: number | undefined,
  after: number | undefined,
  count: number,
): number | undefined {
  return before === undefined || after === undefined
    ? undefined
    : (after - before) / count;
}

/** Waits (up to 60 s) until every acknowledged push has been turned into runs. */
async function untilInboxEmpty(env: GortEnvironment): Promise<void> {
  const db = env.pluginDatabase();
  try {
    for (let i = 0; i < 600; i++) {
      const waiting = Number(
        (await db('gort_delivery_inbox').count({ n: '*' }).first())?.n,
      );
      if (waiting === 0) return;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('the inbox still holds deliveries 60 s after the burst');
  } finally {
    await db.destroy();
  }
}

/** Seeds `seedCount` runs in bulk and times the runs API; the seconds the seeding took. */
async function runsApiFigures(
  env: GortEnvironment,
  seedCount: number,
  runsApi: EngineFigures['runsApi'],
  log: (line: string) => void,
): Promise<number> {
  const db = env.pluginDatabase();
  let seedSeconds = 0;
  try {
    const template = await db('gort_runs').whereIn('state', ['superseded', 'done']).first('id');
    const seedStarted = performance.now();
    // over the followed fan-out entities: the runs API answers only for entities GORT follows
    await seedRuns(db, template.id, seedCount, FANOUT_WATCHERS, 'component:default/podinfo-copy-');
    seedSeconds = (performance.now() - seedStarted) / 1000;
    const total = Number((await db('gort_runs').count({ n: '*' }).first())?.n);
    log(`seeded ${seedCount} runs in bulk in ${seedSeconds.toFixed(1)} s (${total} runs in the table)`);
  } finally {
    await db.destroy();
  }
  const page = await env.api<{ nextCursor?: string; items: Array<{ id: string }> }>(`/runs?entityRef=component:default/podinfo-copy-7&limit=20`);
  if (page.status !== 200 || !page.body?.items?.length) {
    throw new Error(`the runs API answered ${page.status} for the seeded entity: ${JSON.stringify(page.body).slice(0, 500)}`);
  }
  const runId = page.body.items[0].id;
  const queries: Record<string, string> = {
    'GET /runs?limit=20': '/runs?limit=20',
    'GET /runs?entityRef=…&limit=20': '/runs?entityRef=component:default/podinfo-copy-7&limit=20',
    'GET /runs?entityRef=…&cursor=…': `/runs?entityRef=component:default/podinfo-copy-7&limit=20&cursor=${page.body.nextCursor}`,
    'GET /runs?outcome=failed&limit=20': '/runs?outcome=failed&limit=20',
    'GET /runs/:id': `/runs/${runId}`,
    [`GET /runs?entityRef=${PODINFO}`]: `/runs?entityRef=${encodeURIComponent(PODINFO)}&limit=20`,
  };
  for (const [name, path] of Object.entries(queries)) {
    await timeRequests(5, () => env.api(path));
    runsApi[name] = await timeRequests(100, () => env.api(path));
    log(`${name}: p50 ${ms(runsApi[name].p50)}, p95 ${ms(runsApi[name].p95)}`);
  }
  return seedSeconds;
}

export function printSummary(figures: EngineFigures[]) {
  console.log('\n== GORT webhook and runs API benchmark ==');
  for (const f of figures) {
    const api95s = Object.values(f.runsApi).map(r => r.p95);
    console.log(`${f.engine}:`);
    console.log(
      `  push saturation ${f.pushPerSecond.toFixed(
        0,
      )}/s vs ping ${f.pingPerSecond.toFixed(0)}/s = ${(
        f.pushPerSecond / f.pingPerSecond
      ).toFixed(2)}× (target ≥ 0.5×)`,
    );
    if (f.pingCpuMs !== undefined && f.pushCpuMs !== undefined) {
      console.log(
        `  backend CPU per delivery: push ${f.pushCpuMs.toFixed(
          2,
        )} ms (with its drain and checks) vs ping ${f.pingCpuMs.toFixed(
          2,
        )} ms (ping/push ${(f.pingCpuMs / f.pushCpuMs).toFixed(2)}×)`,
      );
    }
    console.log(
      `  open loop ${f.openLoop.rate}/s: p50 ${ms(f.openLoop.p50)}, p99 ${ms(
        f.openLoop.p99,
      )} (target p99 < 50 ms)`,
    );
    console.log(
      `  ${FANOUT_WATCHERS}-watcher push acknowledged in ${ms(
        f.fanoutAckMs,
      )} (target < 2000 ms)`,
    );
    if (api95s.length > 0) {
      console.log(`  runs API with ${f.seededRuns} seeded runs: worst p95 ${ms(Math.max(...api95s))} (target < 50 ms)`);
    }
  }
  console.log(loadNote());
}
