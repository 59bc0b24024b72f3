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

    webhook?: {
      /**
       * Secret of the GitHub webhook; `X-Hub-Signature-256` is checked with
       * it. Without it, `POST /api/gort/webhook` answers 503.
       * @visibility secret
       */
      secret?: string;
      /**
       * More accepted secrets, to rotate the secret without downtime.
       * @visibility secret
       */
      additionalSecrets?: string[];
      /** Largest accepted body in bytes (413 above). Default: 5 MiB. */
      maxBodyBytes?: number;
      /** How long delivery ids are kept to ignore redeliveries. Default: 7 days (`168h`). */
      deliveryRetention?: string;
    };

    runs?: {
      /** Lease on a run held by one backend replica, e.g. `30s`. Default: 30s. */
      lease?: string;
      /** Runs one replica works on at once. Default: 200. */
      maxConcurrent?: number;
    };

    flux?: {
      /**
       * Set `reconcile.fluxcd.io/requestedAt` on the source and the Flux
       * object when a push arrives, so Flux acts within seconds instead of at
       * its interval. Needs `patch` on those kinds. Default: false.
       */
      requestReconcile?: boolean;
    };

    /**
     * Clusters GORT watches. Clusters of the Kubernetes plugin
     * (`kubernetes.clusterLocatorMethods` of type `config`, with service
     * account auth) are used too. The first cluster is the default for
     * `gort.io/flux-app` values without a `cluster:` prefix.
     */
    clusters?: Array<{
      /** Name used in `gort.io/flux-app` as `name:Kind/namespace/name`. */
      name: string;
      /** API server URL, with `serviceAccountToken`. */
      url?: string;
      /** @visibility secret */
      serviceAccountToken?: string;
      /** Base64 CA bundle of the API server. */
      caData?: string;
      skipTLSVerify?: boolean;
      /** Path of a kubeconfig file (instead of url). */
      kubeconfig?: string;
      /** Context of that kubeconfig. */
      context?: string;
      /** Use the pod's service account (GORT runs inside the cluster). */
      inCluster?: boolean;
    }>;
  };
}
