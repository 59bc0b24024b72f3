import { ReconcileRequester } from '../runs/RunProcessor';
import { ObjectLocation } from '../runs/judgeRunObject';
import { ClusterReader } from './FluxClusterClient';
import { apiVersionOf, fluxKindSpec } from './fluxKinds';

/**
 * Sets `reconcile.fluxcd.io/requestedAt` on the source, then on the object,
 * as `flux reconcile --with-source` does. Needs `patch` on those kinds.
 */
export class FluxReconcileRequester implements ReconcileRequester {
  constructor(
    private readonly readerFor: (cluster: string) => ClusterReader | undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async request(locations: ObjectLocation[]): Promise<void> {
    const at = this.clock();
    for (const location of locations) {
      const spec = fluxKindSpec(location.kind);
      const reader = this.readerFor(location.cluster);
      if (!spec || !reader) continue;
      await reader.requestReconcile(apiVersionOf(spec), location.kind, location.namespace, location.name, at);
    }
  }
}
