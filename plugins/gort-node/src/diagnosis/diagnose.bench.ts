/* eslint-disable no-console */
/**
 * Prints diagnosis time per object; a figure, not a pass/fail test.
 * Run from plugins/gort-node:
 *   node -r @backstage/cli/config/nodeTransform.cjs src/diagnosis/diagnose.bench.ts
 *
 * Each scenario runs 5 times after a warm-up; the median run is reported.
 *  - 1,000 failing Flux objects whose messages are the corpus's real messages
 *    (cycled), each diagnosed by diagnoseAll;
 *  - a cluster dump of 1,000 objects: 200 Kustomizations stuck on health
 *    checks, each with a Deployment and 3 pods in ImagePullBackOff;
 *  - the 32 fixtures of real failures;
 *  - worst case: one object whose 100 KB message is built from near-misses of
 *    the rules' patterns (fragments that start a match and never finish it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseManifests } from '../kube/manifests';
import type { KubeObject } from '../kube/objects';
import { diagnose, diagnoseAll } from './diagnose';

// eslint-disable-next-line no-restricted-syntax
const here = __dirname;
const RUNS = 5;

interface CorpusCase {
  scope: 'kustomization' | 'helmrelease' | 'source' | 'workload';
  kind?: string;
  reason?: string;
  message: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Runs `run` RUNS times (after one warm-up run) and prints the median time per
 * object: wall-clock, and the process's CPU time (user + system), which stays
 * meaningful on a loaded machine where the wall clock includes time spent
 * waiting for a core.
 */
function measure(label: string, objects: number, run: () => void) {
  run();
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    run();
    wallMs.push(Number(process.hrtime.bigint() - started) / 1e6 / objects);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000 / objects);
  }
  const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(
    `${label}: median ${fmt(median(wallMs))} wall, ${fmt(
      median(cpuMs),
    )} CPU per object (wall runs: ${wallMs
      .map(fmt)
      .join(', ')}; ${objects} objects per run)`,
  );
}

const KINDS: Record<string, [string, string]> = {
  kustomization: ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
  helmrelease: ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'],
  GitRepository: ['source.toolkit.fluxcd.io/v1', 'GitRepository'],
  HelmRepository: ['source.toolkit.fluxcd.io/v1', 'HelmRepository'],
  HelmChart: ['source.toolkit.fluxcd.io/v1', 'HelmChart'],
  OCIRepository: ['source.toolkit.fluxcd.io/v1beta2', 'OCIRepository'],
  Bucket: ['source.toolkit.fluxcd.io/v1', 'Bucket'],
};

function fluxObject(
  key: string,
  name: string,
  reason: string,
  message: string,
): KubeObject {
  const [apiVersion, kind] = KINDS[key] ?? KINDS.kustomization;
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: 'bench', generation: 1 },
    spec:
      kind === 'HelmRelease'
        ? {
            chart: {
              spec: {
                chart: name,
                sourceRef: { kind: 'HelmRepository', name: 'charts' },
              },
            },
          }
        : { sourceRef: { kind: 'GitRepository', name: 'platform' } },
    status: {
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'False', reason, message }],
    },
  };
}

// 1,000 failing Flux objects with the corpus's real messages.
const corpus: CorpusCase[] = JSON.parse(
  fs.readFileSync(path.join(here, '__corpus__', 'messages.json'), 'utf8'),
);
const fluxCases = corpus.filter(c => c.scope !== 'workload');
const thousand: KubeObject[] = [];
for (let i = 0; i < 1000; i++) {
  const c = fluxCases[i % fluxCases.length];
  thousand.push(
    fluxObject(
      c.scope === 'source' ? c.kind ?? 'GitRepository' : c.scope,
      `obj-${i}`,
      c.reason ?? 'ReconciliationFailed',
      c.message,
    ),
  );
}
measure('1,000 failing Flux objects, corpus messages', 1000, () => {
  diagnoseAll(thousand);
});

// A cluster-sized dump: 200 failing Kustomizations behind health checks, each with a Deployment and 3 pods.
const cluster: KubeObject[] = [];
for (let i = 0; i < 200; i++) {
  cluster.push(
    fluxObject(
      'kustomization',
      `app-${i}`,
      'HealthCheckFailed',
      `health check failed after 5m0s: timeout waiting for: [Deployment/ns-${i}/web status: 'InProgress']`,
    ),
  );
  cluster.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: `ns-${i}` },
    spec: { selector: { matchLabels: { app: 'web' } } },
  });
  for (let p = 0; p < 3; p++) {
    cluster.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `web-abc-${p}`,
        namespace: `ns-${i}`,
        labels: { app: 'web' },
      },
      spec: { containers: [{ name: 'web' }] },
      status: {
        containerStatuses: [
          {
            name: 'web',
            ready: false,
            restartCount: 0,
            state: {
              waiting: {
                reason: 'ImagePullBackOff',
                message: 'Back-off pulling image "r.example.org/web:v2"',
              },
            },
          },
        ],
      },
    });
  }
}
measure(
  '1,000-object cluster dump (200 Kustomizations + 800 workload objects)',
  cluster.length,
  () => {
    diagnoseAll(cluster);
  },
);

const dir = path.join(here, '__fixtures__', 'flux-failures');
const fixtures: KubeObject[][] = fs
  .readdirSync(dir)
  .filter(file => file.endsWith('.yaml'))
  .map(file => parseManifests(fs.readFileSync(path.join(dir, file), 'utf8')));
measure(
  `${fixtures.length} real fixtures (root cause of each)`,
  fixtures.length,
  () => {
    for (const objects of fixtures) diagnose(objects);
  },
);

// Worst case: 100 KB of fragments that begin matches and never complete them.
const NEAR_MISSES = [
  'Deployment/apps/web dry-run failed, error: ',
  'is forbidden: User "system:serviceaccount:x:y" canno ',
  'admission webhook "v.example.org" denied the reques ',
  '${APP_',
  'timeout waiting for: [Deployment/apps/web status: ',
  "unable to clone 'https://git.example.org/",
  'failed to decrypt and format ',
  'no matches for kind "',
  'Invalid value: "',
  'cannot patch "x" with kind ',
  'Helm upgrade failed for release a/b with chart c@1: ',
  "'".repeat(64),
  '"'.repeat(64),
  'a'.repeat(300),
  ': '.repeat(100),
  '/'.repeat(200),
];
let nearMiss = '';
for (let i = 0; nearMiss.length < 100 * 1024; i++)
  nearMiss += NEAR_MISSES[i % NEAR_MISSES.length];
nearMiss = nearMiss.slice(0, 100 * 1024);
const worst: KubeObject[] = [
  fluxObject('kustomization', 'worst', 'ReconciliationFailed', nearMiss),
  fluxObject('helmrelease', 'worst-hr', 'UpgradeFailed', nearMiss),
  fluxObject('GitRepository', 'worst-src', 'GitOperationFailed', nearMiss),
];
measure(
  `worst case: ${worst.length} objects with a ${Math.round(
    nearMiss.length / 1024,
  )} KB near-miss message`,
  worst.length * 20,
  () => {
    for (let i = 0; i < 20; i++) diagnoseAll(worst);
  },
);
