/* eslint-disable no-console */
/**
 * Measures diagnosis time per failing object.
 * Run: node -r @backstage/cli/config/nodeTransform.cjs src/diagnosis/diagnose.bench.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseManifests } from '../kube/manifests';
import type { KubeObject } from '../kube/objects';
import { diagnose, diagnoseAll } from './diagnose';

const dir = path.join(__dirname, '__fixtures__', 'flux-failures');
const fixtures: KubeObject[][] = fs
  .readdirSync(dir)
  .filter(file => file.endsWith('.yaml'))
  .map(file => parseManifests(fs.readFileSync(path.join(dir, file), 'utf8')));

function measure(
  label: string,
  iterations: number,
  objectsPerIteration: number,
  run: () => void,
) {
  for (let i = 0; i < Math.min(iterations, 50); i++) run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run();
  const elapsedNs = Number(process.hrtime.bigint() - started);
  const perObjectUs = elapsedNs / 1000 / (iterations * objectsPerIteration);
  console.log(
    `${label}: ${perObjectUs.toFixed(1)} µs per diagnosed object (${
      iterations * objectsPerIteration
    } diagnoses)`,
  );
}

measure('32 real fixtures', 300, fixtures.length, () => {
  for (const objects of fixtures) diagnose(objects);
});

// A cluster-sized dump: 200 failing Kustomizations behind health checks, each with a Deployment and 3 pods.
const cluster: KubeObject[] = [];
for (let i = 0; i < 200; i++) {
  cluster.push({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: `app-${i}`, namespace: 'flux-system', generation: 1 },
    spec: { sourceRef: { kind: 'GitRepository', name: 'platform' } },
    status: {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'HealthCheckFailed',
          message: `health check failed after 5m0s: timeout waiting for: [Deployment/ns-${i}/web status: 'InProgress']`,
        },
      ],
    },
  });
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
  '200 Kustomizations + 800 workload objects in one input',
  5,
  200,
  () => {
    diagnoseAll(cluster);
  },
);
