import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesClustersSupplier } from '@backstage/plugin-kubernetes-node';
import { ClusterDefinition, clusterFromDetails, kubeConfigFor } from './clusters';
import { ClusterReader, FluxClusterClient } from './FluxClusterClient';

/** Watches the clusters GORT knows of; FluxObserver implements it. */
export interface ClusterWatches {
  addCluster(cluster: ClusterDefinition): void;
  removeCluster(name: string): Promise<void>;
}

export interface ClusterSource {
  supplier: KubernetesClustersSupplier;
  /** For messages, e.g. `catalog (kubernetes.clusterLocatorMethods)`. */
  origin: string;
}

export interface WatchedClustersOptions {
  /** From config (gort.clusters, `type: config` locators): fixed for the process's life. */
  configured: ClusterDefinition[];
  /** Suppliers read on every refresh: the catalog locator and those modules added. */
  sources: ClusterSource[];
  watches: ClusterWatches;
  auth: AuthService;
  logger: LoggerService;
  /** Counts requests made to a cluster's API server. */
  onRequest?: (cluster: string, verb: string) => void;
}

interface SuppliedCluster {
  source: number;
  /** The connection, to notice a cluster whose details changed. */
  key: string;
}

/**
 * The clusters GORT watches and the readers it uses on them: the configured
 * ones, plus those the suppliers return, re-read on each `refresh()` so that
 * clusters added to or removed from the catalog are followed.
 */
export class WatchedClusters {
  private readonly readers = new Map<string, ClusterReader>();
  private readonly supplied = new Map<string, SuppliedCluster>();
  private readonly reported = new Set<string>();

  constructor(private readonly options: WatchedClustersOptions) {
    for (const cluster of options.configured) this.readers.set(cluster.name, this.readerOf(cluster));
  }

  readerFor(name: string): ClusterReader | undefined {
    return this.readers.get(name);
  }

  /** Reads every supplier; watches clusters that appeared and stops those that went. */
  async refresh(): Promise<void> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    for (const [index, source] of this.options.sources.entries()) {
      let details;
      try {
        details = await source.supplier.getClusters({ credentials });
      } catch (error) {
        // Its clusters stay watched: a failed read says nothing about them.
        this.options.logger.warn(`Could not read the clusters of ${source.origin}: ${error}`);
        continue;
      }
      const seen = new Set<string>();
      for (const detail of details) {
        const result = clusterFromDetails(detail, source.origin);
        if ('problem' in result) {
          this.reportOnce(`Not watching ${result.problem}`);
          continue;
        }
        const { cluster } = result;
        if (this.isTakenByAnother(cluster.name, index)) {
          this.reportOnce(`Not watching cluster "${cluster.name}" of ${source.origin}: another source already defines a cluster of that name`);
          continue;
        }
        seen.add(cluster.name);
        await this.watch(cluster, index);
      }
      for (const [name, supplied] of this.supplied) {
        if (supplied.source === index && !seen.has(name)) await this.unwatch(name);
      }
    }
  }

  private isTakenByAnother(name: string, source: number): boolean {
    if (this.options.configured.some(c => c.name === name)) return true;
    const supplied = this.supplied.get(name);
    return supplied !== undefined && supplied.source !== source;
  }

  private async watch(cluster: ClusterDefinition, source: number) {
    const key = JSON.stringify(cluster.connection);
    const current = this.supplied.get(cluster.name);
    if (current?.key === key) return;
    if (current) await this.unwatch(cluster.name);
    this.options.watches.addCluster(cluster);
    this.readers.set(cluster.name, this.readerOf(cluster));
    this.supplied.set(cluster.name, { source, key });
    this.options.logger.info(`GORT watches cluster "${cluster.name}" (${cluster.origin})`);
  }

  private async unwatch(name: string) {
    this.supplied.delete(name);
    this.readers.delete(name);
    await this.options.watches.removeCluster(name);
    this.options.logger.info(`GORT no longer watches cluster "${name}"`);
  }

  private readerOf(cluster: ClusterDefinition): ClusterReader {
    return new FluxClusterClient(kubeConfigFor(cluster), verb => this.options.onRequest?.(cluster.name, verb));
  }

  private reportOnce(message: string) {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.options.logger.warn(message);
  }
}
