import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  AnnotationProblem,
  ANNOTATION_FLUX_APP,
  formatWatchedObject,
  parseGortAnnotations,
  WatchedObject,
} from '@gort-backstage/plugin-gort-common';
import type { WatcherInput } from '../database/WatcherStore';

/** Owner entity refs: the catalog's resolved relations, else `spec.owner`. */
export function ownersOf(entity: Entity): string[] {
  const related = (entity.relations ?? [])
    .filter(relation => relation.type === RELATION_OWNED_BY)
    .map(relation => relation.targetRef.toLowerCase());
  if (related.length > 0) return [...new Set(related)].sort();
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || owner.length === 0) return [];
  try {
    const ref = parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' });
    return [stringifyEntityRef(ref).toLowerCase()];
  } catch {
    return [];
  }
}

/**
 * Objects that name a cluster GORT does not watch (a typo, or a cluster not
 * configured in gort.clusters, kubernetes.clusterLocatorMethods or a
 * cluster supplier): one problem each, shown on the entity's tab.
 */
export function unknownClusterProblems(objects: WatchedObject[], knownClusters: string[]): AnnotationProblem[] {
  const known = new Set(knownClusters);
  const listed = knownClusters.length ? knownClusters.map(c => `"${c}"`).join(', ') : 'none';
  return objects
    .filter(object => object.cluster !== undefined && !known.has(object.cluster))
    .map(object => ({
      annotation: ANNOTATION_FLUX_APP,
      value: formatWatchedObject(object),
      message: `cluster "${object.cluster}" is not one GORT watches (it watches ${listed}); use one of those names, or configure the cluster in gort.clusters or kubernetes.clusterLocatorMethods`,
    }));
}

/** Turns annotated catalog entities into watchers (pure); with `knownClusters`, unknown cluster names are problems. */
export function watcherFromEntity(entity: Entity, knownClusters?: string[]): WatcherInput {
  const parsed = parseGortAnnotations(entity.metadata.annotations);
  const { settings } = parsed;
  const problems = knownClusters
    ? [...parsed.problems, ...unknownClusterProblems(settings.objects, knownClusters)]
    : parsed.problems;
  return {
    entityRef: stringifyEntityRef(entity),
    owners: ownersOf(entity),
    objects: settings.objects,
    targetRepo: settings.targetRepo,
    fixRepo: settings.fixRepo,
    branch: settings.branch,
    docsPaths: settings.docsPaths,
    reconcileTimeoutMs: settings.reconcileTimeoutMs,
    mode: settings.mode,
    ...(settings.ai === 'off' ? { ai: 'off' as const } : {}),
    problems,
  };
}

export function watchersFromEntities(entities: Entity[], knownClusters?: string[]): WatcherInput[] {
  const byRef = new Map<string, WatcherInput>();
  for (const entity of entities) {
    const watcher = watcherFromEntity(entity, knownClusters);
    byRef.set(watcher.entityRef, watcher);
  }
  return [...byRef.values()];
}
