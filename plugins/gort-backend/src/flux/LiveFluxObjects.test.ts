import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { ClusterReader } from './FluxClusterClient';
import { fluxKindSpec } from './fluxKinds';
import { LiveFluxObjects } from './LiveFluxObjects';

describe('LiveFluxObjects', () => {
  const release: KubeObject = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2beta2',
    kind: 'HelmRelease',
    metadata: { name: 'podinfo', namespace: 'apps', generation: 2 },
  };
  const reads: string[] = [];
  const reader = {
    getObject: async (
      apiVersion: string,
      kind: string,
      namespace: string,
      name: string,
    ) => {
      reads.push(`${apiVersion} ${kind} ${namespace}/${name}`);
      return name === 'podinfo' ? release : undefined;
    },
  } as unknown as ClusterReader;
  const served = {
    servedSpec: (_cluster: string, kind: string) =>
      kind === 'HelmRelease'
        ? { ...fluxKindSpec(kind)!, version: 'v2beta2' }
        : undefined,
    notServed: (_cluster: string, kind: string) =>
      kind === 'OCIRepository'
        ? 'source-controller serves no OCIRepository'
        : undefined,
  };
  const live = new LiveFluxObjects(
    cluster => (cluster === 'demo' ? reader : undefined),
    served,
  );

  it('reads the object at the version its cluster serves', async () => {
    await expect(
      live.read({
        cluster: 'demo',
        kind: 'HelmRelease',
        namespace: 'apps',
        name: 'podinfo',
      }),
    ).resolves.toBe(release);
    await expect(
      live.read({
        cluster: 'demo',
        kind: 'HelmRelease',
        namespace: 'apps',
        name: 'gone',
      }),
    ).resolves.toBeUndefined();
    expect(reads).toEqual([
      'helm.toolkit.fluxcd.io/v2beta2 HelmRelease apps/podinfo',
      'helm.toolkit.fluxcd.io/v2beta2 HelmRelease apps/gone',
    ]);
  });

  it('throws when the cluster or the kind cannot be read, so the cache verdict stands', async () => {
    await expect(
      live.read({
        cluster: 'prod',
        kind: 'HelmRelease',
        namespace: 'apps',
        name: 'podinfo',
      }),
    ).rejects.toThrow(/cluster prod cannot be read/);
    await expect(
      live.read({
        cluster: 'demo',
        kind: 'OCIRepository',
        namespace: 'apps',
        name: 'podinfo',
      }),
    ).rejects.toThrow(/cannot be read for OCIRepository/);
  });
});
