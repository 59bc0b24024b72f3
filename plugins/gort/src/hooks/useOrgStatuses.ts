import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gortApiRef } from '../api';

/**
 * `spec.owner` may be short (`team-a`); owners are groups by default, in the
 * entity's namespace.
 */
export function ownerRef(owner: string, entityRef: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: parseEntityRef(entityRef).namespace }),
    );
  } catch {
    return owner;
  }
}

/** Every followed entity's status, with its owner from the catalog. */
export function useOrgStatuses() {
  const gortApi = useApi(gortApiRef);
  const catalogApi = useApi(catalogApiRef);
  return useAsyncRetry(async () => {
    const { items } = await gortApi.listEntityStatuses();
    const owners = new Map<string, string>();
    if (items.length > 0) {
      const { items: entities } = await catalogApi.getEntitiesByRefs({
        entityRefs: items.map(item => item.entityRef),
        fields: ['spec.owner'],
      });
      entities.forEach((entity, index) => {
        const owner = entity?.spec?.owner;
        if (typeof owner === 'string') {
          owners.set(items[index].entityRef, ownerRef(owner, items[index].entityRef));
        }
      });
    }
    return { statuses: items, owners };
  }, [gortApi, catalogApi]);
}
