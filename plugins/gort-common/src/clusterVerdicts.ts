import type { RunClusterVerdict, RunObjectVerdict } from './types';

/** The cluster a verdict belongs to: its `cluster`, else the `cluster:` prefix of its object, else undefined (the default). */
export function clusterOfVerdict(verdict: Pick<RunObjectVerdict, 'cluster' | 'object'>): string | undefined {
  if (verdict.cluster) return verdict.cluster;
  const colon = verdict.object.indexOf(':');
  const slash = verdict.object.indexOf('/');
  return colon > 0 && (slash < 0 || colon < slash) ? verdict.object.slice(0, colon) : undefined;
}

const PENDING: ReadonlyArray<RunObjectVerdict['state']> = ['waiting_for_source', 'reconciling', 'suspended', 'unknown'];

function clusterState(verdicts: RunObjectVerdict[]): Pick<RunClusterVerdict, 'state' | 'detail'> {
  const failed = verdicts.find(v => v.state === 'failed');
  if (failed) return { state: 'failed', detail: `${failed.object}: ${failed.detail}` };
  const unreachable = verdicts.find(v => v.state === 'unreachable');
  if (unreachable) return { state: 'unreachable', detail: unreachable.detail };
  const pending = verdicts.find(v => PENDING.includes(v.state) || v.state === 'unobservable');
  if (pending) return { state: 'pending', detail: `${pending.object}: ${pending.detail}` };
  return { state: 'succeeded', detail: verdicts.map(v => `${v.object}: ${v.detail}`).join('; ') };
}

/**
 * The verdicts of a run grouped by cluster, in the order the clusters first
 * appear. Verdicts without a cluster are grouped under `defaultCluster`
 * (or `default` when unknown).
 */
export function groupVerdictsByCluster(verdicts: RunObjectVerdict[], defaultCluster = 'default'): RunClusterVerdict[] {
  const groups = new Map<string, RunObjectVerdict[]>();
  for (const verdict of verdicts) {
    const cluster = clusterOfVerdict(verdict) ?? defaultCluster;
    const group = groups.get(cluster);
    if (group) group.push(verdict);
    else groups.set(cluster, [verdict]);
  }
  return [...groups.entries()].map(([cluster, group]) => ({
    cluster,
    objects: group.map(v => v.object),
    ...clusterState(group),
  }));
}
