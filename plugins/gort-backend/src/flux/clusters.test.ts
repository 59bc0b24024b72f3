import { ConfigReader } from '@backstage/config';
import { clusterFromDetails, kubeConfigFor, readClusterDefinitions, usesCatalogClusters } from './clusters';

describe('readClusterDefinitions', () => {
  it('reads gort.clusters and reuses the Kubernetes plugin clusters', () => {
    const clusters = readClusterDefinitions(
      new ConfigReader({
        gort: {
          clusters: [
            { name: 'demo', url: 'http://127.0.0.1:18443', serviceAccountToken: 't' },
            { name: 'local', kubeconfig: 'kubeconfig.yaml', context: 'kind' },
            { name: 'self', inCluster: true },
          ],
        },
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                { name: 'prod', url: 'https://k8s.example.com', serviceAccountToken: 'p', caData: 'Y2E=' },
                { name: 'oidc-only', url: 'https://x', authProvider: 'oidc' },
              ],
            },
            { type: 'gke', projectId: 'x' },
          ],
        },
      }),
    );
    expect(clusters.map(c => [c.name, c.connection.type, c.origin])).toEqual([
      ['demo', 'url', 'gort.clusters'],
      ['local', 'kubeconfig', 'gort.clusters'],
      ['self', 'inCluster', 'gort.clusters'],
      ['prod', 'url', 'kubernetes.clusterLocatorMethods'],
    ]);
  });

  it('refuses a cluster configured twice', () => {
    expect(() =>
      readClusterDefinitions(
        new ConfigReader({
          gort: { clusters: [{ name: 'a', url: 'http://x' }] },
          kubernetes: { clusterLocatorMethods: [{ type: 'config', clusters: [{ name: 'a', url: 'http://y' }] }] },
        }),
      ),
    ).toThrow(/Cluster "a" is configured twice/);
  });

  it('builds a client config with the service account token', () => {
    const kc = kubeConfigFor({
      name: 'demo',
      origin: 'gort.clusters',
      connection: { type: 'url', url: 'http://127.0.0.1:18443', token: 'sandbox-token', skipTLSVerify: false },
    });
    expect(kc.getCurrentCluster()?.server).toBe('http://127.0.0.1:18443');
    expect(kc.getCurrentUser()?.token).toBe('sandbox-token');
  });

  it("uses the pod's own service account token when a cluster comes without one", () => {
    const kc = kubeConfigFor({
      name: 'catalogued',
      origin: 'catalog',
      connection: { type: 'url', url: 'https://k8s.example.com', caData: 'Y2E=', skipTLSVerify: false },
    });
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://k8s.example.com', caData: 'Y2E=' });
    expect(kc.getCurrentUser()).toMatchObject({
      name: 'gort',
      authProvider: { name: 'tokenFile', config: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
    });
  });
});

describe('usesCatalogClusters', () => {
  it('is true when a locator method has type catalog', () => {
    expect(usesCatalogClusters(new ConfigReader({ kubernetes: { clusterLocatorMethods: [{ type: 'config', clusters: [] }, { type: 'catalog' }] } }))).toBe(true);
    expect(usesCatalogClusters(new ConfigReader({ kubernetes: { clusterLocatorMethods: [{ type: 'config', clusters: [] }] } }))).toBe(false);
    expect(usesCatalogClusters(new ConfigReader({}))).toBe(false);
  });
});

describe('clusterFromDetails', () => {
  const details = (authMetadata: Record<string, string>) => ({ name: 'prod', url: 'https://k8s.example.com', caData: 'Y2E=', authMetadata });

  it('takes a service-account cluster, with its token when it has one', () => {
    expect(clusterFromDetails(details({ 'kubernetes.io/auth-provider': 'serviceAccount', serviceAccountToken: 't' }), 'a module')).toEqual({
      cluster: {
        name: 'prod',
        origin: 'a module',
        connection: { type: 'url', url: 'https://k8s.example.com', token: 't', caData: 'Y2E=', caFile: undefined, skipTLSVerify: false },
      },
    });
  });

  it('refuses the per-user and cloud auth providers, naming the cluster', () => {
    expect(clusterFromDetails(details({ 'kubernetes.io/auth-provider': 'oidc' }), 'catalog')).toEqual({
      problem: 'cluster "prod" (catalog): its auth provider is oidc; GORT watches in the background and needs serviceAccount',
    });
    expect(clusterFromDetails(details({}), 'catalog')).toMatchObject({ problem: expect.stringContaining('its auth provider is not set') });
  });
});
