import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { ObjectLocation } from '../runs/judgeRunObject';
import { LiveObjectReader } from '../runs/ports';
import { ClusterReader } from './FluxClusterClient';
import { apiVersionOf, ServedVersions, specFor } from './fluxKinds';

/**
 * Reads Flux objects straight from their cluster's API server, at the version
 * the cluster serves, bypassing the watch cache. Throws when the cluster
 * cannot be read; undefined when the object does not exist.
 */
export class LiveFluxObjects implements LiveObjectReader {
  constructor(
    private readonly readerFor: (cluster: string) => ClusterReader | undefined,
    private readonly served?: ServedVersions,
  ) {}

  async read(location: ObjectLocation): Promise<KubeObject | undefined> {
    const spec = specFor(this.served, location.cluster, location.kind);
    const reader = this.readerFor(location.cluster);
    if (!spec || !reader)
      throw new Error(
        `cluster ${location.cluster} cannot be read for ${location.kind}`,
      );
    return reader.getObject(
      apiVersionOf(spec),
      location.kind,
      location.namespace,
      location.name,
    );
  }
}
