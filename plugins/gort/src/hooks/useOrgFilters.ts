import type { FluxObjectState } from '@gort-backstage/plugin-gort-common';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { OrgFilters } from '../lib/orgRows';
import { FLUX_OBJECT_STATES } from '../lib/states';

const KEYS = ['state', 'owner', 'cluster'] as const;

/**
 * The org page's filters live in the query string, so an on-call engineer can
 * share "all failing deployments of team X" as a link.
 */
export function useOrgFilters(): [OrgFilters, (filters: OrgFilters) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<OrgFilters>(() => {
    const state = params.get('state') ?? undefined;
    return {
      state:
        state && state in FLUX_OBJECT_STATES
          ? (state as FluxObjectState)
          : undefined,
      owner: params.get('owner') ?? undefined,
      cluster: params.get('cluster') ?? undefined,
    };
  }, [params]);
  const setFilters = useCallback(
    (next: OrgFilters) => {
      setParams(
        previous => {
          const updated = new URLSearchParams(previous);
          for (const key of KEYS) {
            const value = next[key];
            if (value) {
              updated.set(key, value);
            } else {
              updated.delete(key);
            }
          }
          return updated;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [filters, setFilters];
}
