/*
 * Figures for GORT's pipeline, printed, on this machine:
 *   1. detection delay: Flux status change in the cluster -> run updated;
 *   2. Kubernetes API requests per minute with 1,000 watchers.
 * Part of `npm run bench` (bench/main.ts). Everything talks to loopback stand-ins only.
 */
import { GortEnvironment, PODINFO } from '../harness/gortEnvironment';
import { percentile } from './stats';

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

/** Detection delay and Kubernetes load (the older pipeline figures). */
export async function pipelineFigures() {
  const env = await GortEnvironment.start();
  try {
    await detectionFigures(env);
  } finally {
    await env.close();
  }
  await kubernetesLoad();
}
