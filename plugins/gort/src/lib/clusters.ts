import type { FluxObjectStatus } from '@gort-backstage/plugin-gort-common';

export interface ClusterGroup {
  /** The cluster's name; `undefined` when the backend did not say (no cluster configured). */
  cluster?: string;
  objects: FluxObjectStatus[];
}

/** Objects grouped by cluster, in the order the clusters first appear. */
export function groupObjectsByCluster(objects: FluxObjectStatus[]): ClusterGroup[] {
  const groups: ClusterGroup[] = [];
  for (const object of objects) {
    const group = groups.find(g => g.cluster === object.cluster);
    if (group) group.objects.push(object);
    else groups.push({ cluster: object.cluster, objects: [object] });
  }
  return groups;
}
