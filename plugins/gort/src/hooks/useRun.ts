import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gortApiRef } from '../api';

export function useRun(runId: string) {
  const gortApi = useApi(gortApiRef);
  return useAsyncRetry(() => gortApi.getRun(runId), [gortApi, runId]);
}
