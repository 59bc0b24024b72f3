import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { parseGortAnnotations } from '@gort-backstage/plugin-gort-common';
import type { WatcherInput } from '../database/WatcherStore';

/** Turns annotated catalog entities into watchers (pure). */
export function watcherFromEntity(entity: Entity): WatcherInput {
  const { settings, problems } = parseGortAnnotations(
    entity.metadata.annotations,
  );
  return {
    entityRef: stringifyEntityRef(entity),
    objects: settings.objects,
    targetRepo: settings.targetRepo,
    fixRepo: settings.fixRepo,
    branch: settings.branch,
    docsPaths: settings.docsPaths,
    reconcileTimeoutMs: settings.reconcileTimeoutMs,
    mode: settings.mode,
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
