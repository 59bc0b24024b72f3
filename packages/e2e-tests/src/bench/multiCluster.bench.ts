/*
 * Kubernetes load across three sandbox clusters, from 10 to 1,000 watchers:
 * GORT watches one list+watch per cluster and kind, so the requests each
 * cluster's API receives per minute should not grow with the watchers.
 * Part of `npm run bench` (GORT_BENCH=multicluster runs it alone;
 * GORT_BENCH_MULTICLUSTER_SCALES=10,1000 and GORT_BENCH_WINDOW_S=60 change it).
 */
import { GortEnvironment, PODINFO } from '../harness/gortEnvironment';

const CLUSTERS = ['staging', 'prod', 'edge'];

type Counts = Record<string, number>;
const sum = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);
const minus = (a: Counts, b: Counts) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]));

export interface ScaleFigures {
  watchers: number;
  windowS: number;
  /** Requests per minute while idle, by cluster. */
  idlePerMinute: Record<string, number>;
  /** Requests in the window after one push that started a run for every watcher, by cluster. */
  afterPush: Record<string, number>;
  /** The same, by verb over all clusters: lists and watches (`get-or-list`, `watch`) vs reconcile requests (`patch`). */
  afterPushByVerb: Record<string, number>;
}

async function scale(watchers: number, windowS: number): Promise<ScaleFigures> {
  const extra = watchers - 1;
  const env = await GortEnvironment.start(
    {
      clusters: CLUSTERS.map(name => ({ name, path: `clusters/${name}/podinfo` })),
      extraEntities: extra,
      // Spread over the three clusters: watcher i follows app-i in cluster i mod 3.
      extraEntityObject: i => `${CLUSTERS[i % CLUSTERS.length]}:flux-system/app-${i}`,
      reconcileTimeout: '5m',
      backendStartTimeoutMs: 600_000,
    },
    sandbox => {
      for (let i = 0; i < extra; i++) {
        const cluster = sandbox.cluster(CLUSTERS[i % CLUSTERS.length]);
        cluster.kube.store.create(
          { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
          {
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
            metadata: { name: `app-${i}`, namespace: 'flux-system' },
            spec: { suspend: true, interval: '10m', path: `./${cluster.path}`, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
          },
        );
      }
    },
  );
  try {
    const counts = () => Object.fromEntries(env.sandbox.clusters.map(c => [c.name, sum(c.kube.requestCounts())]));
    const verbs = () => {
      const all: Counts = {};
      for (const c of env.sandbox.clusters) {
        for (const [verb, n] of Object.entries(c.kube.requestCounts())) all[verb] = (all[verb] ?? 0) + n;
      }
      return all;
    };
    // Let the start-up lists and watches settle first.
    await new Promise(r => setTimeout(r, 5_000));
    const before = counts();
    await new Promise(r => setTimeout(r, windowS * 1000));
    const idle = minus(counts(), before);
    const pushedAt = counts();
    const verbsAtPush = verbs();
    const sha = await env.push('fix');
    await env.waitForRun(sha, r => r.state === 'done', PODINFO);
    await new Promise(r => setTimeout(r, windowS * 1000));
    const afterPush = minus(counts(), pushedAt);
    const afterPushByVerb = minus(verbs(), verbsAtPush);
    const perMinute = Object.fromEntries(Object.entries(idle).map(([k, v]) => [k, Math.round((v * 60) / windowS)]));
    return { watchers, windowS, idlePerMinute: perMinute, afterPush, afterPushByVerb };
  } finally {
    await env.close();
  }
}

export function printMultiCluster(figures: ScaleFigures[]) {
  console.log('\nKubernetes requests across three clusters (one list+watch per cluster and kind, not per entity):');
  console.log('watchers | idle requests/min per cluster (staging, prod, edge) | total/min | after a push, per cluster | after a push, by verb');
  for (const f of figures) {
    const idle = CLUSTERS.map(c => f.idlePerMinute[c] ?? 0);
    const push = CLUSTERS.map(c => f.afterPush[c] ?? 0);
    const byVerb = Object.entries(f.afterPushByVerb).filter(([, n]) => n > 0).map(([verb, n]) => `${verb} ${n}`).join(', ');
    console.log(`${String(f.watchers).padStart(8)} | ${idle.join(', ').padEnd(50)} | ${String(idle.reduce((a, b) => a + b, 0)).padStart(9)} | ${push.join(', ')} (${f.windowS} s) | ${byVerb}`);
  }
  console.log('(patch: one reconcile request per distinct Flux object and pushed commit, when gort.flux.requestReconcile is on; lists and watches do not grow with watchers)');
}

export async function multiClusterFigures(): Promise<ScaleFigures[]> {
  const scales = (process.env.GORT_BENCH_MULTICLUSTER_SCALES ?? '10,1000').split(',').map(Number).filter(n => n >= 1);
  const windowS = Number(process.env.GORT_BENCH_WINDOW_S ?? 60);
  const figures: ScaleFigures[] = [];
  for (const watchers of scales) {
    const figure = await scale(watchers, windowS);
    console.log(`  ${watchers} watchers: ${JSON.stringify(figure)}`);
    figures.push(figure);
  }
  printMultiCluster(figures);
  return figures;
}
