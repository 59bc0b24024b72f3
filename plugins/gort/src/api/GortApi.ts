import { createApiRef } from '@backstage/core-plugin-api';
import type {
  EntityGortStatus,
  EntityGortStatusList,
  Run,
  RunList,
  RunOutcome,
  RunState,
  Watcher,
} from '@gort-backstage/plugin-gort-common';

/** Query of `GET /runs`. */
export interface ListRunsRequest {
  entityRef?: string;
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  state?: RunState;
  outcome?: RunOutcome;
}

/** Answer of `POST /runs`. */
export interface CreateRunResponse {
  runId: string;
  /** False when a run for the same revision was already under way. */
  created: boolean;
  sha: string;
}

/** Client for the GORT backend (`/api/gort`). */
export interface GortApi {
  listWatchers(): Promise<Watcher[]>;
  /** Live Flux state of one entity; rejects with a 404 while GORT does not follow it. */
  getEntityStatus(entityRef: string): Promise<EntityGortStatus>;
  /** Every followed entity (org-wide page). */
  listEntityStatuses(): Promise<EntityGortStatusList>;
  listRuns(request: ListRunsRequest): Promise<RunList>;
  getRun(runId: string): Promise<Run>;
  /** Runs GORT now against the revision the entity's source serves. */
  createRun(entityRef: string): Promise<CreateRunResponse>;
}

export const gortApiRef = createApiRef<GortApi>({ id: 'plugin.gort.api' });
