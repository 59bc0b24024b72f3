import { Config } from '@backstage/config';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { KubeConfig } from '@kubernetes/client-node';

/** A cluster GORT watches, with how to reach it. */
export interface ClusterDefinition {
  name: string;
  /** Where the definition came from, for messages, e.g. `gort.clusters`. */
  origin: string;
  connection:
    | {
        type: 'url';
        url: string;
        /** Without it, the pod's own service account token (GORT runs in a cluster). */
        token?: string;
        caData?: string;
        caFile?: string;
        skipTLSVerify: boolean;
      }
    | { type: 'kubeconfig'; path?: string; context?: string }
    | { type: 'inCluster' };
}

function readUrlCluster(cluster: Config, origin: string): ClusterDefinition {
  const name = cluster.getString('name');
  return {
    name,
    origin,
    connection: {
      type: 'url',
      url: cluster.getString('url'),
      token: cluster.getOptionalString('serviceAccountToken'),
      caData: cluster.getOptionalString('caData'),
      skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
    },
  };
}

/**
 * Clusters from `gort.clusters`, then those of the Kubernetes plugin's
 * `clusterLocatorMethods` of type `config` (so users configure clusters once).
 * The first one is the default for `gort.io/flux-app` values without a
 * `cluster:` prefix.
 */
export function readClusterDefinitions(config: Config): ClusterDefinition[] {
  const clusters: ClusterDefinition[] = [];
  for (const cluster of config.getOptionalConfigArray('gort.clusters') ?? []) {
    const name = cluster.getString('name');
    if (cluster.has('url')) {
      clusters.push(readUrlCluster(cluster, 'gort.clusters'));
    } else if (cluster.getOptionalBoolean('inCluster')) {
      clusters.push({ name, origin: 'gort.clusters', connection: { type: 'inCluster' } });
    } else {
      clusters.push({
        name,
        origin: 'gort.clusters',
        connection: {
          type: 'kubeconfig',
          path: cluster.getOptionalString('kubeconfig'),
          context: cluster.getOptionalString('context'),
        },
      });
    }
  }
  for (const method of config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []) {
    if (method.getString('type') !== 'config') continue;
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const authProvider = cluster.getOptionalString('authProvider') ?? 'serviceAccount';
      if (authProvider !== 'serviceAccount') continue; // per-user auth cannot run in the background
      clusters.push(readUrlCluster(cluster, 'kubernetes.clusterLocatorMethods'));
    }
  }
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (seen.has(cluster.name)) {
      throw new Error(`Cluster "${cluster.name}" is configured twice (${cluster.origin})`);
    }
    seen.add(cluster.name);
  }
  return clusters;
}

/**
 * A cluster as a `KubernetesClustersSupplier` describes it, for GORT to
 * watch in the background: only service-account auth works without a user,
 * with `authMetadata.serviceAccountToken` or else the pod's own token, as the
 * Kubernetes plugin's ServiceAccountStrategy does
 * (backstage/backstage@0c865599:plugins/kubernetes-backend/src/auth/ServiceAccountStrategy.ts).
 */
export function clusterFromDetails(details: ClusterDetails, origin: string): { cluster: ClusterDefinition } | { problem: string } {
  const authProvider = details.authMetadata[ANNOTATION_KUBERNETES_AUTH_PROVIDER];
  if (authProvider !== 'serviceAccount') {
    return {
      problem: `cluster "${details.name}" (${origin}): its auth provider is ${authProvider ?? 'not set'}; GORT watches in the background and needs serviceAccount`,
    };
  }
  return {
    cluster: {
      name: details.name,
      origin,
      connection: {
        type: 'url',
        url: details.url,
        token: details.authMetadata.serviceAccountToken,
        caData: details.caData,
        caFile: details.caFile,
        skipTLSVerify: details.skipTLSVerify ?? false,
      },
    },
  };
}

/** Whether `kubernetes.clusterLocatorMethods` has an entry of type `catalog`. */
export function usesCatalogClusters(config: Config): boolean {
  return (config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []).some(m => m.getOptionalString('type') === 'catalog');
}

/** A client configuration for one cluster. */
export function kubeConfigFor(cluster: ClusterDefinition): KubeConfig {
  const kc = new KubeConfig();
  const { connection } = cluster;
  if (connection.type === 'inCluster') {
    kc.loadFromCluster();
  } else if (connection.type === 'kubeconfig') {
    if (connection.path) kc.loadFromFile(connection.path);
    else kc.loadFromDefault();
    if (connection.context) kc.setCurrentContext(connection.context);
  } else {
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: connection.url,
          caData: connection.caData,
          caFile: connection.caFile,
          skipTLSVerify: connection.skipTLSVerify,
        },
      ],
      users: [connection.token ? { name: 'gort', token: connection.token } : podServiceAccountUser()],
      contexts: [{ name: cluster.name, cluster: cluster.name, user: 'gort' }],
      currentContext: cluster.name,
    });
  }
  return kc;
}

/** The pod's service account token file, as client-node reads it in a cluster. */
function podServiceAccountUser() {
  const inCluster = new KubeConfig();
  inCluster.loadFromCluster();
  return { ...inCluster.getCurrentUser()!, name: 'gort' };
}
