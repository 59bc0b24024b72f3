import { formatWatchedObject, WatchedObject } from '@gort-backstage/plugin-gort-common';
import {
  helmChartRefOf,
  judgeLanded,
  KubeObject,
  revisionMatches,
  sourceRefOf,
} from '@gort-backstage/plugin-gort-node';
import { ObjectJudgement } from './combineVerdicts';

/** Read access to the observed Flux objects (the FluxObserver's cache). */
export interface FluxObjectLookup {
  resolveCluster(name: string | undefined): string | undefined;
  hasCluster(name: string): boolean;
  get(cluster: string, kind: string, namespace: string, name: string): KubeObject | undefined;
  list(cluster: string, kind: string): KubeObject[];
  isSynced(cluster: string, kind: string): boolean;
}

export interface ObjectLocation {
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The source object a watched Flux object reads, if it names one. */
export function sourceLocationOf(cluster: string, object: KubeObject): ObjectLocation | undefined {
  const ref =
    object.kind === 'HelmRelease' ? helmChartRefOf(object) ?? sourceRefOf(object) : sourceRefOf(object);
  if (!ref?.kind || !ref.name) return undefined;
  return {
    cluster,
    kind: ref.kind,
    namespace: ref.namespace ?? object.metadata?.namespace ?? '',
    name: ref.name,
  };
}

function inventoryHas(kustomization: KubeObject, id: string): boolean {
  const entries = kustomization.status?.inventory?.entries;
  return Array.isArray(entries) && entries.some((e: { id?: string }) => e?.id === id);
}

/** Whether a Kustomization that applies this HelmRelease has applied `sha`. */
function helmReleaseManifestApplied(
  lookup: FluxObjectLookup,
  cluster: string,
  release: KubeObject,
  sha: string,
): boolean {
  const id = `${release.metadata?.namespace}_${release.metadata?.name}_helm.toolkit.fluxcd.io_HelmRelease`;
  return lookup
    .list(cluster, 'Kustomization')
    .some(k => inventoryHas(k, id) && revisionMatches(k.status?.lastAppliedRevision, sha));
}

/** Judges one watched object of a run against the pushed commit. */
export function judgeRunObject(
  watched: WatchedObject,
  sha: string,
  lookup: FluxObjectLookup,
  now: Date,
): ObjectJudgement & { location?: ObjectLocation; sourceLocation?: ObjectLocation } {
  const label = formatWatchedObject(watched);
  const at = now.toISOString();
  const cluster = lookup.resolveCluster(watched.cluster);
  if (!cluster || !lookup.hasCluster(cluster)) {
    return {
      object: label,
      state: 'unknown',
      detail: watched.cluster
        ? `cluster "${watched.cluster}" is not configured for GORT`
        : 'no cluster is configured for GORT (gort.clusters)',
      at,
    };
  }
  const location = { cluster, kind: watched.kind, namespace: watched.namespace, name: watched.name };
  const object = lookup.get(cluster, watched.kind, watched.namespace, watched.name);
  if (!object) {
    return {
      object: label,
      state: 'reconciling',
      detail: lookup.isSynced(cluster, watched.kind)
        ? `${watched.kind} ${watched.namespace}/${watched.name} does not exist in cluster ${cluster} (yet)`
        : `waiting for the watch of cluster ${cluster} to sync`,
      at,
      location,
    };
  }
  const sourceLocation = sourceLocationOf(cluster, object);
  const source = sourceLocation
    ? lookup.get(cluster, sourceLocation.kind, sourceLocation.namespace, sourceLocation.name)
    : undefined;
  const verdict = judgeLanded({
    object,
    source,
    sha,
    manifestAppliedAtSha:
      object.kind === 'HelmRelease' ? helmReleaseManifestApplied(lookup, cluster, object, sha) : undefined,
  });
  return {
    object: label,
    state: verdict.state,
    detail: verdict.detail,
    at,
    location,
    sourceLocation,
    ...(verdict.state === 'failed'
      ? { failure: { object: label, reason: verdict.reason, message: verdict.message } }
      : {}),
  };
}
