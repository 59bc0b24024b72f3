/*
 * Figures for GORT's pipeline, printed, on this machine:
 *   1. webhook acknowledgement latency (p50/p99) and deliveries per second;
 *   2. detection delay: Flux status change in the cluster -> run updated;
 *   3. Kubernetes API requests per minute with 1,000 watchers.
 * Run with `npm run bench`. Everything talks to loopback stand-ins only.
 */
import { randomBytes } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { SANDBOX_DEFAULTS } from '@gort-backstage/sandbox';
import { GortEnvironment, PODINFO } from '../harness/gortEnvironment';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

function pushBody(after: string) {
  return JSON.stringify({
    ref: 'refs/heads/main',
    before: '0'.repeat(39) + '1',
    after,
    commits: [],
    head_commit: { id: after, message: 'bench', timestamp: new Date().toISOString(), author: { name: 'bench' } },
    repository: { name: 'podinfo-gitops', full_name: 'acme/podinfo-gitops', default_branch: 'main', owner: { login: 'acme' } },
  });
}

async function deliver(env: GortEnvironment, id: string) {
  const body = pushBody(randomBytes(20).toString('hex'));
  const started = performance.now();
  const res = await fetch(`${env.backend.baseUrl}/api/gort/webhook`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-GitHub-Event': 'push',
      'X-GitHub-Delivery': id,
      'X-Hub-Signature-256': await sign(SANDBOX_DEFAULTS.webhookSecret, body),
    },
    body,
  });
  await res.text();
  if (res.status !== 202) throw new Error(`delivery ${id}: ${res.status}`);
  return performance.now() - started;
}

async function webhookFigures(env: GortEnvironment) {
  const latencies: number[] = [];
  for (let i = 0; i < 300; i++) latencies.push(await deliver(env, `seq-${i}`));
  const total = 500;
  const concurrency = 10;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await deliver(env, `par-${next++}`);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`webhook acknowledgement (sequential, 300 deliveries, each creating a run): p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`);
  console.log(`webhook throughput (${total} deliveries, ${concurrency} concurrent): ${(total / seconds).toFixed(0)} deliveries/s`);
}

async function detectionFigures(env: GortEnvironment) {
  const store = env.sandbox.kube.store;
  const delays: number[] = [];
  for (const scenario of ['bad-image', 'fix', 'oom', 'fix', 'invalid-field', 'fix']) {
    const sha = await env.push(scenario);
    let changedAt: number | undefined;
    const stop = store.watch({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }, {}, event => {
      const ready = (event.object.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
      const atSha = String(event.object.status?.lastAttemptedRevision ?? '').endsWith(sha);
      if (changedAt === undefined && atSha && ready && ready.status !== 'Unknown') changedAt = Date.now();
    });
    const run = await env.waitForRun(sha, r => ['done', 'error', 'superseded'].includes(r.state));
    stop();
    const verdict = run.timeline.find(e => ['succeeded', 'failed'].includes(e.state));
    if (changedAt && verdict) {
      const delay = Date.parse(verdict.at) - changedAt;
      delays.push(delay);
      console.log(`  ${scenario}: Flux verdict -> run ${verdict.state} in ${delay} ms (run ${run.outcome}${run.category ? `, ${run.category}` : ''})`);
    }
  }
  console.log(`detection delay over ${delays.length} pushes: median ${percentile(delays, 50)} ms, max ${Math.max(...delays)} ms`);
}

async function kubernetesLoad() {
  const WATCHERS = 1000;
  const env = await GortEnvironment.start(
    { extraEntities: WATCHERS - 1, extraEntityObject: i => `flux-system/app-${i}` },
    sandbox => {
      for (let i = 0; i < WATCHERS - 1; i++) {
        sandbox.kube.store.create(
          { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
          {
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
            metadata: { name: `app-${i}`, namespace: 'flux-system' },
            spec: { suspend: true, interval: '10m', path: './clusters/demo/podinfo', sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
          },
        );
      }
    },
  );
  try {
    const kube = () => env.sandbox.kube.requestCounts();
    const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    const before = kube();
    await new Promise(r => setTimeout(r, 60_000));
    const idle = kube();
    console.log(`Kubernetes requests with ${WATCHERS} watchers, idle minute: ${sum(idle) - sum(before)} (${JSON.stringify(Object.fromEntries(Object.entries(idle).map(([k, v]) => [k, v - (before[k] ?? 0)])))})`);
    const pushedAt = kube();
    const sha = await env.push('fix');
    await env.waitForRun(sha, r => r.state === 'done', PODINFO);
    await new Promise(r => setTimeout(r, 30_000));
    const after = kube();
    const runs = (await env.api(`/runs?limit=1`)).body;
    console.log(`Kubernetes requests in the 30 s after a push that started ${WATCHERS} runs: ${sum(after) - sum(pushedAt)} (${JSON.stringify(Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (pushedAt[k] ?? 0)])))}); latest run ${runs.items[0]?.state}`);
  } finally {
    await env.close();
  }
}

async function main() {
  const env = await GortEnvironment.start();
  try {
    await webhookFigures(env);
    await detectionFigures(env);
  } finally {
    await env.close();
  }
  await kubernetesLoad();
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
