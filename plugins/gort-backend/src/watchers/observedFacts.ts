import type { RepoRef, WatchedObject } from '@gort-backstage/plugin-gort-common';
import { chartSourceKeyOf, KubeObject, sourceKeyOf } from '@gort-backstage/plugin-gort-node';
import type { FluxObjectLookup } from '../runs/judgeRunObject';
import type { WatchedObjectFacts } from './tenancy';

/**
 * `owner/repo` of a Git URL: `https://host/owner/repo(.git)`,
 * `ssh://git@host/owner/repo` or `git@host:owner/repo`. The last two path
 * segments, so a GitHub Enterprise host or a port does not matter.
 */
export function repoOfGitUrl(url: unknown): RepoRef | undefined {
  if (typeof url !== 'string') return undefined;
  const match = /[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/*$/.exec(url.trim());
  if (!match || match[2] === '.' || match[2] === '..') return undefined;
  return { owner: match[1], repo: match[2] };
}

function gitSourceUrl(lookup: FluxObjectLookup, cluster: string, object: KubeObject): unknown {
  let key = sourceKeyOf(object);
  if (key?.kind === 'HelmChart') {
    const chart = lookup.get(cluster, key.kind, key.namespace, key.name);
    key = chart ? chartSourceKeyOf(chart) : undefined;
  }
  if (key?.kind !== 'GitRepository') return undefined;
  return lookup.get(cluster, key.kind, key.namespace, key.name)?.spec?.url;
}

/**
 * What the observer's watch cache says about a watched object, for the
 * tenancy rules: its labels, its Git source's repository, its `spec.path`.
 * Unknown (not observed yet) is `undefined`, which vouches for nothing.
 */
export function observedFacts(lookup: FluxObjectLookup): (object: WatchedObject) => WatchedObjectFacts | undefined {
  return watched => {
    const cluster = lookup.resolveCluster(watched.cluster);
    if (!cluster || !lookup.hasCluster(cluster)) return undefined;
    const object = lookup.get(cluster, watched.kind, watched.namespace, watched.name);
    if (!object) return undefined;
    const labels = object.metadata?.labels;
    const specPath = object.spec?.path;
    return {
      labels: labels && typeof labels === 'object' ? (labels as Record<string, string>) : undefined,
      sourceRepo: repoOfGitUrl(gitSourceUrl(lookup, cluster, object)),
      specPath: typeof specPath === 'string' ? specPath : undefined,
    };
  };
}
