import { formatWatchedObject, WatchedObject } from '@gort-backstage/plugin-gort-common';
import {
  chartSourceKeyOf,
  judgeLanded,
  KubeObject,
  ObjectLookup,
  resolveLandedInput,
  sourceKeyOf,
} from '@gort-backstage/plugin-gort-node';
import type { ClusterProblem } from '../flux/clusterProblems';
import { ObjectJudgement } from './combineVerdicts';

/** Read access to the observed Flux objects (the FluxObserver's cache). */
export interface FluxObjectLookup {
  resolveCluster(name: string | undefined): string | undefined;
  hasCluster(name: string): boolean;
  get(cluster: string, kind: string, namespace: string, name: string): KubeObject | undefined;
  list(cluster: string, kind: string): KubeObject[];
  isSynced(cluster: string, kind: string): boolean;
  /** Why `kind` cannot be read from `cluster` now (unreachable, 401/403, not served), if it cannot. */
  clusterProblem?(cluster: string, kind: string): ClusterProblem | undefined;
  /** Why the cluster does not serve this kind at any version GORT reads (API discovery), if it does not. */
  notServed?(cluster: string, kind: string): string | undefined;
}

/** Verdicts that stand even when the cluster cannot be read any more: they were observed. */
const SETTLED = new Set(['succeeded', 'failed', 'unobservable']);

export interface ObjectLocation {
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The source object a watched Flux object reads, if it names one. */
export function sourceLocationOf(cluster: string, object: KubeObject): ObjectLocation | undefined {
  const key = sourceKeyOf(object);
  return key ? { cluster, ...key } : undefined;
}

/** The watch cache of one cluster, as the pure rule's lookup. */
function clusterLookup(lookup: FluxObjectLookup, cluster: string): ObjectLookup {
  return {
    get: (kind, namespace, name) => lookup.get(cluster, kind, namespace, name),
    list: kind => lookup.list(cluster, kind),
  };
}

/** Judges one watched object of a run against the pushed commit. */
export function judgeRunObject(
  watched: WatchedObject,
  sha: string,
  lookup: FluxObjectLookup,
  now: Date,
  branch?: string,
): ObjectJudgement & { location?: ObjectLocation; sourceLocation?: ObjectLocation; chartSourceLocation?: ObjectLocation } {
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
  const notServed = (kind: string, what: string) => {
    const reason = lookup.notServed?.(cluster, kind);
    return reason
      ? {
          object: label,
          state: 'unobservable' as const,
          because: 'kind-not-served' as const,
          detail: `${what} cannot be read in cluster ${cluster}: ${reason}`,
          at,
          cluster,
          clusterProblem: 'kinds-not-served' as const,
          location,
        }
      : undefined;
  };
  const watchedNotServed = notServed(watched.kind, `${watched.kind} ${watched.namespace}/${watched.name}`);
  if (watchedNotServed) return watchedNotServed;
  const object = lookup.get(cluster, watched.kind, watched.namespace, watched.name);
  const problem = lookup.clusterProblem?.(cluster, watched.kind);
  const unreachable = (p: ClusterProblem) => ({
    object: label,
    state: 'unreachable' as const,
    detail: p.message,
    at,
    cluster,
    clusterProblem: p.kind,
    location,
  });
  if (!object) {
    if (problem) return unreachable(problem);
    return {
      cluster,
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
  const input = resolveLandedInput(clusterLookup(lookup, cluster), object, sha, { branch });
  // A HelmChart's own source is watched too (flux reconcile --with-source asks it first).
  const chartSourceKey = input.source?.kind === 'HelmChart' ? chartSourceKeyOf(input.source) : undefined;
  // A source of a kind the cluster does not serve is never seen: say so at once.
  for (const ref of [sourceLocation, chartSourceKey]) {
    const sourceNotServed = ref && notServed(ref.kind, `its source ${ref.kind} ${ref.namespace}/${ref.name}`);
    if (sourceNotServed) return { ...sourceNotServed, sourceLocation };
  }
  const verdict = judgeLanded(input);
  // A cached object of a cluster that cannot be read is stale: only what was already settled stands.
  if (problem && !SETTLED.has(verdict.state)) return { ...unreachable(problem), sourceLocation };
  return {
    object: label,
    state: verdict.state,
    detail: verdict.detail,
    at,
    cluster,
    location,
    sourceLocation,
    ...(chartSourceKey ? { chartSourceLocation: { cluster, ...chartSourceKey } } : {}),
    ...(verdict.state === 'succeeded' ? { health: verdict.health } : {}),
    ...(verdict.state === 'unobservable' ? { because: verdict.because } : {}),
    ...(verdict.state === 'failed'
      ? { failure: { object: label, reason: verdict.reason, message: verdict.message } }
      : {}),
  };
}
