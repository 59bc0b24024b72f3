import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read an entity's runs, evidence, watcher and live Flux status. A catalog
 * entity resource permission (the resource ref is the entity ref), so a
 * policy can decide with the catalog's rules, e.g. `isEntityOwner`.
 */
export const gortRunReadPermission = createPermission({
  name: 'gort.run.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Start a run of an entity now against the current revision (`POST /runs`);
 * a catalog entity resource permission like {@link gortRunReadPermission}.
 */
export const gortRunCreatePermission = createPermission({
  name: 'gort.run.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

export const gortPermissions = [gortRunReadPermission, gortRunCreatePermission];
