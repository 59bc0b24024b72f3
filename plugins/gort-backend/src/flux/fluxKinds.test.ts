import { FLUX_KINDS, fluxKindSpec, servedSpec } from './fluxKinds';

const served = (versions: Record<string, string[]>) => ({
  groups: Object.entries(versions).map(([name, vs]) => ({ name, versions: vs.map(version => ({ version })) })),
});

describe('servedSpec', () => {
  it('watches every source kind a Flux object can name', () => {
    expect(FLUX_KINDS.map(k => k.kind)).toEqual(
      expect.arrayContaining(['GitRepository', 'OCIRepository', 'HelmChart', 'HelmRepository', 'Bucket', 'ExternalArtifact']),
    );
  });

  it('uses the newest version the cluster serves (OCIRepository before Flux 2.6 is v1beta2 only)', () => {
    const flux25 = served({ 'source.toolkit.fluxcd.io': ['v1', 'v1beta2'] });
    expect(servedSpec(fluxKindSpec('GitRepository')!, flux25)?.version).toBe('v1');
    const oldOci = servedSpec(fluxKindSpec('OCIRepository')!, served({ 'source.toolkit.fluxcd.io': ['v1beta2'] }));
    expect(oldOci).toMatchObject({ kind: 'OCIRepository', version: 'v1beta2', plural: 'ocirepositories' });
  });

  it('skips a kind whose group or versions the cluster does not serve', () => {
    expect(servedSpec(fluxKindSpec('HelmRelease')!, served({ 'source.toolkit.fluxcd.io': ['v1'] }))).toBeUndefined();
    expect(servedSpec(fluxKindSpec('HelmRelease')!, served({ 'helm.toolkit.fluxcd.io': ['v2beta2'] }))?.version).toBe('v2beta2');
  });
});
