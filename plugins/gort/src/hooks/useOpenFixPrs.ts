import { useApi } from '@backstage/core-plugin-api';
import type { RunSummary } from '@gort-backstage/plugin-gort-common';
import useAsync from 'react-use/esm/useAsync';
import { gortApiRef } from '../api';

/** A fix PR counts as open until GitHub says it was merged or closed. */
export function isOpenFixPr(run: RunSummary): boolean {
  const pr = run.fixPr;
  if (!pr?.url) {
    return false;
  }
  return pr.prState
    ? pr.prState === 'open'
    : pr.status === 'opened' || pr.status === 'updated';
}

/**
 * Runs of an entity with a fix PR still open, newest first; one PR is kept
 * once even when later runs updated it.
 */
export function useOpenFixPrs(entityRef: string, lookback = 20) {
  const gortApi = useApi(gortApiRef);
  return useAsync(async () => {
    const { items } = await gortApi.listRuns({ entityRef, limit: lookback });
    const seen = new Set<string>();
    return items.filter(run => {
      if (!isOpenFixPr(run) || seen.has(run.fixPr!.url!)) {
        return false;
      }
      seen.add(run.fixPr!.url!);
      return true;
    });
  }, [gortApi, entityRef, lookback]);
}
