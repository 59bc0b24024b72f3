import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { parseGortAnnotations } from '@gort-backstage/plugin-gort-common';
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

/** Turns annotated catalog entities into watchers (pure). */
export function watcherFromEntity(entity: Entity): WatcherInput {
  const { settings, problems } = parseGortAnnotations(
    entity.metadata.annotations,
  );
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

export function watchersFromEntities(entities: Entity[]): WatcherInput[] {
  const byRef = new Map<string, WatcherInput>();
  for (const entity of entities) {
    const watcher = watcherFromEntity(entity);
    byRef.set(watcher.entityRef, watcher);
  }
  return [...byRef.values()];
}
