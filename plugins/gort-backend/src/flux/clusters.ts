import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';

/** A cluster GORT watches, with how to reach it. */
export interface ClusterDefinition {
  name: string;
  /** Where the definition came from, for messages. */
  origin: 'gort.clusters' | 'kubernetes.clusterLocatorMethods';
  connection:
    | { type: 'url'; url: string; token?: string; caData?: string; skipTLSVerify: boolean }
    | { type: 'kubeconfig'; path?: string; context?: string }
    | { type: 'inCluster' };
}

function readUrlCluster(cluster: Config, origin: ClusterDefinition['origin']): ClusterDefinition {
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
          skipTLSVerify: connection.skipTLSVerify,
        },
      ],
      users: [{ name: 'gort', token: connection.token }],
      contexts: [{ name: cluster.name, cluster: cluster.name, user: 'gort' }],
      currentContext: cluster.name,
    });
  }
  return kc;
}
