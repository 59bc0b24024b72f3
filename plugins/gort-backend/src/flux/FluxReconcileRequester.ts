import { ReconcileRequester } from '../runs/ports';
import { ObjectLocation } from '../runs/judgeRunObject';
import { ClusterReader } from './FluxClusterClient';
import { apiVersionOf, ServedVersions, specFor } from './fluxKinds';

const DEFAULT_DEDUPE_MS = 10_000;

/**
 * Sets `reconcile.fluxcd.io/requestedAt` on the source, then on the object,
 * as `flux reconcile --with-source` does. Needs `patch` on those kinds. One
 * push followed by many entities shares a source: each object is asked once
 * per pushed commit (within `dedupeMs`). Each is patched at the API version
 * its cluster serves (discovered by the FluxObserver).
 */
export class FluxReconcileRequester implements ReconcileRequester {
  private readonly lastRequested = new Map<string, number>();

  constructor(
    private readonly readerFor: (cluster: string) => ClusterReader | undefined,
    private readonly clock: () => Date = () => new Date(),
    private readonly dedupeMs = DEFAULT_DEDUPE_MS,
    /** The versions each cluster serves: objects are patched at that version, kinds not served are skipped. */
    private readonly served?: ServedVersions,
  ) {}

  async request(locations: ObjectLocation[], sha: string): Promise<void> {
    const at = this.clock();
    for (const [key, when] of this.lastRequested) {
      if (at.getTime() - when >= this.dedupeMs) this.lastRequested.delete(key);
    }
    for (const location of locations) {
      const spec = specFor(this.served, location.cluster, location.kind);
      const reader = this.readerFor(location.cluster);
      const key = `${location.cluster}/${location.kind}/${location.namespace}/${location.name}@${sha}`;
      if (!spec || !reader || this.lastRequested.has(key)) continue;
      this.lastRequested.set(key, at.getTime());
      await reader.requestReconcile(apiVersionOf(spec), location.kind, location.namespace, location.name, at);
    }
  }
}
