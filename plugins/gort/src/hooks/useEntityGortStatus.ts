import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gortApiRef } from '../api';

/** Live Flux state and latest run of one entity. */
export function useEntityGortStatus(entityRef: string) {
  const gortApi = useApi(gortApiRef);
  return useAsyncRetry(
    () => gortApi.getEntityStatus(entityRef),
    [gortApi, entityRef],
  );
}
