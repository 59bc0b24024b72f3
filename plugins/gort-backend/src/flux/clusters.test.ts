import { ConfigReader } from '@backstage/config';
import { kubeConfigFor, readClusterDefinitions } from './clusters';

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
});
