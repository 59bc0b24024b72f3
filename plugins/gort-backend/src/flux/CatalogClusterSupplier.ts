import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_API_SERVER,
  ANNOTATION_KUBERNETES_API_SERVER_CA,
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY,
} from '@backstage/plugin-kubernetes-common';
import type { ClusterDetails, KubernetesClustersSupplier } from '@backstage/plugin-kubernetes-node';

/**
 * The clusters of `kubernetes.clusterLocatorMethods: [{ type: catalog }]`:
 * Resource entities of type `kubernetes-cluster` with the API server, its CA
 * and the auth provider as annotations. Read as the Kubernetes plugin reads
 * them (backstage/backstage@1449a035:plugins/kubernetes-backend/src/cluster-locator/CatalogClusterLocator.ts):
 * the same filter, and only `kubernetes.io/` annotations as auth metadata,
 * never a `serviceAccountToken` (catalogClusterAuthMetadata.ts@89d4c815), so
 * such clusters use the pod's own service account.
 */
export class CatalogClusterSupplier implements KubernetesClustersSupplier {
  constructor(private readonly catalog: CatalogService) {}

  async getClusters(options: { credentials: BackstageCredentials }): Promise<ClusterDetails[]> {
    const { items } = await this.catalog.getEntities(
      {
        filter: [
          {
            kind: 'Resource',
            'spec.type': 'kubernetes-cluster',
            [`metadata.annotations.${ANNOTATION_KUBERNETES_API_SERVER}`]: CATALOG_FILTER_EXISTS,
            [`metadata.annotations.${ANNOTATION_KUBERNETES_API_SERVER_CA}`]: CATALOG_FILTER_EXISTS,
            [`metadata.annotations.${ANNOTATION_KUBERNETES_AUTH_PROVIDER}`]: CATALOG_FILTER_EXISTS,
          },
        ],
      },
      { credentials: options.credentials },
    );
    return items.map(clusterDetailsOf);
  }
}

function clusterDetailsOf(entity: Entity): ClusterDetails {
  const annotations = entity.metadata.annotations ?? {};
  const authMetadata = Object.fromEntries(Object.entries(annotations).filter(([key]) => key.startsWith('kubernetes.io/')));
  return {
    name: entity.metadata.name,
    title: entity.metadata.title,
    url: annotations[ANNOTATION_KUBERNETES_API_SERVER],
    caData: annotations[ANNOTATION_KUBERNETES_API_SERVER_CA],
    skipTLSVerify: annotations[ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY] === 'true',
    authMetadata,
  };
}
