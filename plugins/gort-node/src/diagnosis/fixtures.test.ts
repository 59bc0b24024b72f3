import fs from 'node:fs';
import path from 'node:path';
import { parseManifests } from '../kube/manifests';
import { diagnose } from './diagnose';

interface FixtureCase {
  file: string;
  category: string;
  alsoAccepted: string[];
  source: string;
}

const dir = path.join(__dirname, '__fixtures__', 'flux-failures');
const index: FixtureCase[] = JSON.parse(
  fs.readFileSync(path.join(dir, 'index.json'), 'utf8'),
);

/** The root-cause object each fixture points to (names are the fixtures' placeholders). */
const expectedObject: Record<string, string> = {
  'case-02.yaml': 'StatefulSet/develop/sandbox',
  'case-06.yaml': 'HelmRelease/flux-system/app',
  'case-07.yaml': 'Pod/monitoring/kube-prometheus-grafana-test',
  'case-08.yaml': 'Kustomization/flux/flux',
  'case-11.yaml': 'Kustomization/flux-system/app',
  'case-14.yaml': 'Kustomization/flux-system/app',
  'case-15.yaml': 'Kustomization/flux-system/app',
  'case-17.yaml': 'Kustomization/flux-system/app',
  'case-18.yaml': 'GitRepository/flux-system/flux-system',
  'case-19.yaml': 'Kustomization/flux-system/keycloak-operator',
  'case-21.yaml': 'HelmRelease/wpb-services/httpbin',
  'case-22.yaml': 'Deployment/notify/apprise',
  'case-23.yaml': 'Job/observability/superset-boardroom-seed',
  'case-31.yaml': 'Secret/podinfo/mysecret',
  'case-33.yaml': 'Kustomization/flux-system/app',
  'case-37.yaml': 'Namespace/apps',
  'case-41.yaml': 'ConfigMap/system/config-observability',
  'case-43.yaml': 'Elasticsearch/logging/elasticsearch',
  'case-46.yaml': 'Deployment/jit/jit-broker',
  'case-49.yaml': 'HelmRelease/flux-system/app',
  'case-50.yaml': 'HelmRelease/flux-system/app',
  'case-53.yaml': 'HelmChart/flux-system/app',
  'case-55.yaml': 'HelmRepository/flux-system/app',
  'case-56.yaml': 'HelmRepository/flux-system/app',
  'case-60.yaml': 'GitRepository/flux-system/app',
  'case-61.yaml': 'GitRepository/flux-system/app',
  'case-71.yaml': 'HelmRelease/flux-system/app',
  'case-72.yaml': 'HelmRelease/flux-system/app',
  'case-79.yaml': 'HelmRelease/flux-system/app',
  'case-80.yaml': 'HelmRelease/flux-system/app',
  'case-83.yaml': 'HelmRelease/flux-system/app',
  'case-85.yaml': 'HelmRelease/flux-system/app',
};

describe('real Flux failures (fixtures)', () => {
  it('has an expected root object for every fixture', () => {
    expect(index).toHaveLength(32);
    expect(Object.keys(expectedObject).sort()).toEqual(
      index.map(c => c.file).sort(),
    );
  });

  it.each(index.map(c => [c.file, c] as const))('%s', (_file, fixture) => {
    const objects = parseManifests(
      fs.readFileSync(path.join(dir, fixture.file), 'utf8'),
    );
    const diagnosis = diagnose(objects);
    expect(diagnosis).toBeDefined();
    expect([fixture.category, ...fixture.alsoAccepted]).toContain(
      diagnosis!.category,
    );
    expect(diagnosis!.object).toBe(expectedObject[fixture.file]);
    expect(diagnosis!.confidence).toBeGreaterThanOrEqual(0.5);
    expect(diagnosis!.fix.length).toBeGreaterThan(0);
  });
});
