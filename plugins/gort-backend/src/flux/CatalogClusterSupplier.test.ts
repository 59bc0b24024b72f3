import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogClusterSupplier } from './CatalogClusterSupplier';

// Entities as the Kubernetes plugin's own CatalogClusterLocator test has them
// (backstage/backstage@0e77776b:plugins/kubernetes-backend/src/cluster-locator/CatalogClusterLocator.test.ts).
const resource = (name: string, annotations: Record<string, string>, type = 'kubernetes-cluster'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default', title: `${name} title`, annotations },
  spec: { type, owner: 'platform' },
});

const entities: Entity[] = [
  resource('prod', {
    'kubernetes.io/api-server': 'https://apiserver.com',
    'kubernetes.io/api-server-certificate-authority': 'caData',
    'kubernetes.io/auth-provider': 'serviceAccount',
    'kubernetes.io/skip-tls-verify': 'true',
    serviceAccountToken: 'must-not-be-read-from-the-catalog',
    'backstage.io/source-location': 'url:https://example.com',
  }),
  resource('no-ca', { 'kubernetes.io/api-server': 'https://x', 'kubernetes.io/auth-provider': 'serviceAccount' }),
  resource('a-database', { 'kubernetes.io/api-server': 'https://x', 'kubernetes.io/api-server-certificate-authority': 'c', 'kubernetes.io/auth-provider': 'serviceAccount' }, 'database'),
];

describe('CatalogClusterSupplier', () => {
  it('reads kubernetes-cluster Resources with the API server, CA and auth provider annotations', async () => {
    const supplier = new CatalogClusterSupplier(catalogServiceMock({ entities }));
    expect(await supplier.getClusters({ credentials: mockCredentials.service() })).toEqual([
      {
        name: 'prod',
        title: 'prod title',
        url: 'https://apiserver.com',
        caData: 'caData',
        skipTLSVerify: true,
        authMetadata: {
          'kubernetes.io/api-server': 'https://apiserver.com',
          'kubernetes.io/api-server-certificate-authority': 'caData',
          'kubernetes.io/auth-provider': 'serviceAccount',
          'kubernetes.io/skip-tls-verify': 'true',
        },
      },
    ]);
  });
});
