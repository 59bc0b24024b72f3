import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { useCallback } from 'react';

/** The GitOps tab's path, as the entity content is mounted at `/gitops`. */
export const GITOPS_TAB_PATH = 'gitops';

/** Builds links into an entity's GitOps tab (and its run detail) from anywhere. */
export function useGitOpsTabLink() {
  const entityRoute = useRouteRef(entityRouteRef);
  return useCallback(
    (entityRef: string, runId?: string) => {
      const base = `${entityRoute(
        entityRouteParams(entityRef),
      )}/${GITOPS_TAB_PATH}`;
      return runId ? `${base}/runs/${encodeURIComponent(runId)}` : base;
    },
    [entityRoute],
  );
}
