import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gortApiRef } from '../api';

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
          owners.set(items[index].entityRef, owner);
        }
      });
    }
    return { statuses: items, owners };
  }, [gortApi, catalogApi]);
}
