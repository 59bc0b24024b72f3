import { KubeObject } from '@gort-backstage/plugin-gort-node';
import { observedFacts, repoOfGitUrl } from './observedFacts';

const objects: KubeObject[] = [
  {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'app', namespace: 'team-a', labels: { 'gort.io/entity': 'component.default.app' } },
    spec: { path: './apps/app', sourceRef: { kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' } },
  },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'fleet', namespace: 'flux-system' }, spec: { url: 'ssh://git@github.com/acme/fleet.git' } },
  {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'api', namespace: 'team-a' },
    spec: { chart: { spec: { chart: './charts/api', sourceRef: { kind: 'GitRepository', name: 'charts' } } } },
    status: { helmChart: 'team-a/team-a-api' },
  },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: 'team-a-api', namespace: 'team-a' }, spec: { sourceRef: { kind: 'GitRepository', name: 'charts' } } },
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'charts', namespace: 'team-a' }, spec: { url: 'https://github.com/acme/charts' } },
];

const lookup = {
  resolveCluster: (name: string | undefined) => name ?? 'demo',
  hasCluster: (name: string) => name === 'demo',
  get: (_cluster: string, kind: string, namespace: string, name: string) =>
    objects.find(o => o.kind === kind && o.metadata?.namespace === namespace && o.metadata?.name === name),
  list: () => objects,
  isSynced: () => true,
};

describe('observedFacts', () => {
  it('reads labels, spec.path and the Git source repository from the watch cache', () => {
    const facts = observedFacts(lookup);
    expect(facts({ kind: 'Kustomization', namespace: 'team-a', name: 'app' })).toEqual({
      labels: { 'gort.io/entity': 'component.default.app' },
      sourceRepo: { owner: 'acme', repo: 'fleet' },
      specPath: './apps/app',
    });
    // a HelmRelease reads its chart's source
    expect(facts({ kind: 'HelmRelease', namespace: 'team-a', name: 'api' })?.sourceRepo).toEqual({ owner: 'acme', repo: 'charts' });
    // not observed, or on an unknown cluster: nothing known, nothing vouched for
    expect(facts({ kind: 'Kustomization', namespace: 'team-a', name: 'missing' })).toBeUndefined();
    expect(facts({ cluster: 'other', kind: 'Kustomization', namespace: 'team-a', name: 'app' })).toBeUndefined();
  });

  it.each([
    ['https://github.com/acme/fleet', 'acme/fleet'],
    ['https://github.example.com:8443/acme/fleet.git/', 'acme/fleet'],
    ['git@github.com:acme/fleet.git', 'acme/fleet'],
    ['ssh://git@github.com/acme/fleet', 'acme/fleet'],
  ])('reads %s as %s', (url, expected) => {
    const repo = repoOfGitUrl(url);
    expect(`${repo?.owner}/${repo?.repo}`).toBe(expected);
  });

  it('reads nothing from what is not a Git URL', () => {
    expect(repoOfGitUrl(undefined)).toBeUndefined();
    expect(repoOfGitUrl('fleet')).toBeUndefined();
  });
});
