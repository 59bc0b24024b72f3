import { FLUX_KINDS, fluxKindSpec, groupVersionsToList, resolveServedKinds, servedSpec, specFor } from './fluxKinds';

const served = (versions: Record<string, string[]>) => ({
  groups: Object.entries(versions).map(([name, vs]) => ({ name, versions: vs.map(version => ({ version })) })),
});

/** Flux 2.5: source.toolkit.fluxcd.io/v1 has no OCIRepository (v1 from 2.6), no helm-controller. */
const flux25Groups = served({
  'kustomize.toolkit.fluxcd.io': ['v1', 'v1beta2'],
  'source.toolkit.fluxcd.io': ['v1', 'v1beta2', 'v1beta1'],
});
const flux25Resources: Record<string, string[]> = {
  'kustomize.toolkit.fluxcd.io/v1': ['kustomizations', 'kustomizations/status'],
  'kustomize.toolkit.fluxcd.io/v1beta2': ['kustomizations', 'kustomizations/status'],
  'source.toolkit.fluxcd.io/v1': ['gitrepositories', 'helmrepositories', 'helmcharts', 'buckets'],
  'source.toolkit.fluxcd.io/v1beta2': ['gitrepositories', 'helmrepositories', 'helmcharts', 'buckets', 'ocirepositories'],
};

describe('served versions', () => {
  it('watches every source kind a Flux object can name', () => {
    expect(FLUX_KINDS.map(k => k.kind)).toEqual(
      expect.arrayContaining(['GitRepository', 'OCIRepository', 'HelmChart', 'HelmRepository', 'Bucket', 'ExternalArtifact']),
    );
  });

  it('lists only the group versions a kind could be read at', () => {
    expect(groupVersionsToList([fluxKindSpec('OCIRepository')!], flux25Groups)).toEqual([
      { group: 'source.toolkit.fluxcd.io', version: 'v1' },
      { group: 'source.toolkit.fluxcd.io', version: 'v1beta2' },
    ]);
    expect(groupVersionsToList([fluxKindSpec('HelmRelease')!], flux25Groups)).toEqual([]);
  });

  it('reads OCIRepository at v1beta2 on a cluster whose source group serves v1 without it (Flux before 2.6)', () => {
    const result = resolveServedKinds(FLUX_KINDS, flux25Groups, (g, v) => flux25Resources[`${g}/${v}`]);
    const version = (kind: string) => result.served.find(s => s.kind === kind)?.version;
    expect(version('OCIRepository')).toBe('v1beta2');
    expect(version('GitRepository')).toBe('v1');
    expect(version('HelmChart')).toBe('v1');
    expect(version('Kustomization')).toBe('v1');
    // The group-only answer would have picked v1, which 404s.
    expect(servedSpec(fluxKindSpec('OCIRepository')!, flux25Groups)?.version).toBe('v1');
  });

  it('says why a kind is not served: no helm-controller, or a kind its source-controller predates', () => {
    const result = resolveServedKinds(FLUX_KINDS, flux25Groups, (g, v) => flux25Resources[`${g}/${v}`]);
    const reasons = Object.fromEntries(result.notServed.map(n => [n.kind, n.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['ExternalArtifact', 'HelmRelease']);
    expect(reasons.HelmRelease).toMatch(/does not serve the helm\.toolkit\.fluxcd\.io API: helm-controller is not installed/);
    expect(reasons.ExternalArtifact).toMatch(/serves source\.toolkit\.fluxcd\.io .* but not ExternalArtifact at v1/);
  });

  it('falls back to the group versions when a resource list cannot be read', () => {
    const result = resolveServedKinds([fluxKindSpec('HelmRelease')!], served({ 'helm.toolkit.fluxcd.io': ['v2beta2'] }), () => undefined);
    expect(result.served[0]?.version).toBe('v2beta2');
  });

  it('reads and patches at the served version, never a kind the cluster does not serve', () => {
    const discovery = {
      servedSpec: (_c: string, kind: string) => (kind === 'OCIRepository' ? { ...fluxKindSpec(kind)!, version: 'v1beta2' } : undefined),
      notServed: (_c: string, kind: string) => (kind === 'HelmRelease' ? 'no helm-controller' : undefined),
    };
    expect(specFor(discovery, 'c', 'OCIRepository')?.version).toBe('v1beta2');
    expect(specFor(discovery, 'c', 'HelmRelease')).toBeUndefined();
    expect(specFor(discovery, 'c', 'GitRepository')?.version).toBe('v1');
    expect(specFor(undefined, 'c', 'HelmRelease')?.version).toBe('v2');
  });
});
