import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of GORT, the GitOps push follower. */
  gort?: {
    watchers?: {
      /**
       * How often watchers are refreshed from the catalog (entities annotated
       * with `gort.io/flux-app`). Default: every 30 seconds, starting at once.
       */
      refresh?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /**
     * How long a run waits for Flux to reconcile the pushed commit before it
     * ends as `timed_out`, e.g. `10m`. The `gort.io/reconcile-timeout`
     * annotation overrides it per entity. Default: 10m.
     */
    reconcileTimeout?: string;
  };
}
