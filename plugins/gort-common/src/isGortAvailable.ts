import type { Entity } from '@backstage/catalog-model';
import { ANNOTATION_FLUX_APP } from './annotations';

/** True when the entity names at least one Flux object for GORT to follow. */
export function isGortAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[ANNOTATION_FLUX_APP]?.trim());
}
