import type {
  EntityGortStatus,
  FluxObjectState,
  RunSummary,
} from '@gort-backstage/plugin-gort-common';
import { compareFluxStates, worstFluxState } from './states';

/** One followed entity on the org-wide page. */
export interface OrgRow {
  entityRef: string;
  state: FluxObjectState;
  /**
   * For a failing entity (failed or stalled), the reason of its worst
   * object, e.g. `HealthCheckFailed`: shown beside the state.
   */
  reason?: string;
  objectCount: number;
  clusters: string[];
  owner?: string;
  latestRun?: RunSummary;
}

export interface OrgFilters {
  state?: FluxObjectState;
  owner?: string;
  cluster?: string;
}

/** Objects without a cluster prefix go to GORT's default cluster. */
export const DEFAULT_CLUSTER = 'default';

function failingReason(status: EntityGortStatus): { reason?: string } {
  const worst = [...status.objects].sort((a, b) => compareFluxStates(a.state, b.state))[0];
  return worst && (worst.state === 'failed' || worst.state === 'stalled') && worst.reason
    ? { reason: worst.reason }
    : {};
}

export function toOrgRows(
  statuses: EntityGortStatus[],
  owners: Map<string, string>,
): OrgRow[] {
  return statuses
    .map(status => ({
      entityRef: status.entityRef,
      state: worstFluxState(status.objects),
      ...failingReason(status),
      objectCount: status.objects.length,
      clusters: [
        ...new Set(status.objects.map(o => o.cluster ?? DEFAULT_CLUSTER)),
      ].sort(),
      owner: owners.get(status.entityRef),
      latestRun: status.latestRun,
    }))
    .sort(
      (a, b) =>
        compareFluxStates(a.state, b.state) ||
        a.entityRef.localeCompare(b.entityRef),
    );
}

export function filterOrgRows(rows: OrgRow[], filters: OrgFilters): OrgRow[] {
  return rows.filter(
    row =>
      (!filters.state || row.state === filters.state) &&
      (!filters.owner || row.owner === filters.owner) &&
      (!filters.cluster || row.clusters.includes(filters.cluster)),
  );
}

/** The values each filter can take, from the rows at hand. */
export function filterChoices(rows: OrgRow[]) {
  const sorted = (values: Array<string | undefined>) =>
    [...new Set(values.filter((v): v is string => Boolean(v)))].sort();
  return {
    states: [...new Set(rows.map(r => r.state))].sort(compareFluxStates),
    owners: sorted(rows.map(r => r.owner)),
    clusters: sorted(rows.flatMap(r => r.clusters)),
  };
}
