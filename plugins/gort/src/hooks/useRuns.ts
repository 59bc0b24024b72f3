import { useApi } from '@backstage/core-plugin-api';
import type { RunOutcome } from '@gort-backstage/plugin-gort-common';
import { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gortApiRef } from '../api';

/**
 * One page of an entity's runs. The backend pages with opaque cursors, so the
 * cursors of the pages seen so far are kept to go back.
 */
export function useRuns(entityRef: string, pageSize = 20) {
  const gortApi = useApi(gortApiRef);
  const [outcome, setOutcomeState] = useState<RunOutcome | undefined>();
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const cursor = cursors[cursors.length - 1];

  const runs = useAsyncRetry(
    () => gortApi.listRuns({ entityRef, limit: pageSize, cursor, outcome }),
    [gortApi, entityRef, pageSize, cursor, outcome],
  );
  const nextCursor = runs.value?.nextCursor;

  const setOutcome = useCallback((value: RunOutcome | undefined) => {
    setOutcomeState(value);
    setCursors([undefined]);
  }, []);
  const nextPage = useCallback(() => {
    if (nextCursor) {
      setCursors(previous => [...previous, nextCursor]);
    }
  }, [nextCursor]);
  const previousPage = useCallback(() => {
    setCursors(previous =>
      previous.length > 1 ? previous.slice(0, -1) : previous,
    );
  }, []);

  return {
    ...runs,
    outcome,
    setOutcome,
    page: cursors.length,
    hasNextPage: Boolean(nextCursor),
    hasPreviousPage: cursors.length > 1,
    nextPage,
    previousPage,
  };
}
