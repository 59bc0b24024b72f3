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
      /**
       * Where GORT owns the repository webhook: a scheduled check (one
       * replica at a time) of the hook's recent deliveries through GitHub's
       * hook deliveries API, redelivering the push deliveries that failed
       * (no 2xx answer, none of their redeliveries succeeded) and that GORT
       * never stored. GitHub does not redeliver failed deliveries by itself.
       * Credentials come from the matching `integrations.github` entry; the
       * token needs admin on the repository (an App: "Webhooks" read and write).
       */
      redelivery?: {
        /** The hooks to check: `repo` is `owner/repo`, `hookId` the hook's id (`X-GitHub-Hook-ID`). */
        repositories: Array<{ repo: string; hookId: number }>;
        /** How far back deliveries are looked at, up to `72h` (GitHub keeps 3 days). Default: 24h. */
        lookBack?: string;
        /** Redeliveries of one event before GORT gives up on it (logged). Default: 3. */
        maxRedeliveries?: number;
        /** When the check runs. Default: every 5 minutes. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };

    /**
     * How long GORT keeps what it stores; one scheduled cleaner removes the
     * rest. Durations such as `12h`, or whole days such as `90d`.
     */
    retention?: {
      /** Finished runs, with their timeline, verdicts and diagnosis. Default: 90d. */
      runs?: string;
      /** The evidence of finished runs (its largest part), dropped sooner. Default: 30d. */
      evidence?: string;
      /** Webhook delivery ids kept to recognise redeliveries. Default: 7d (or `gort.webhook.deliveryRetention`). */
      deliveries?: string;
      /** Cached AI answers. Default: 7d. */
      aiCache?: string;
      /** When the cleaner runs. Default: hourly. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };

    runs?: {
      /** Lease on a run held by one backend replica, e.g. `30s`. Default: 30s. */
      lease?: string;
      /** Runs one replica works on at once. Default: 200. */
      maxConcurrent?: number;
      /**
       * Manual runs (`POST /api/gort/runs`, the "Run now" button) one user or
       * service may start for one entity per window; more answer 429 with
       * `Retry-After`. Counted in the database, so it holds across replicas.
       */
      manualRateLimit?: {
        /** Default: 5. */
        max?: number;
        /** e.g. `10m`. Default: 10m. */
        window?: string;
      };
      /**
       * Of those, how many may be in diagnosis, AI or fix pull request work at
       * once; the others wait their turn with their leases renewed. Default: 4.
       */
      maxConcurrentFollowUps?: number;
      /**
       * On shutdown (SIGTERM), how long in-flight work may finish before it is
       * released for another replica, e.g. `10s`. Default: 10s.
       */
      shutdownGrace?: string;
    };

    /**
     * Who may point GORT where. Annotations are requests: a watcher keeps only
     * the Flux objects and repositories its entity's owners are granted here
     * (or objects labelled for the entity); the rest are annotation problems
     * and never get a run. The fix-repo and docs-path rules hold with or
     * without `owners`.
     */
    tenancy?: {
      /**
       * Owner grants. When this key is present (even empty), an entity may
       * only watch what a grant of one of its owners, or the entity label,
       * allows. Without it any entity may name any object GORT can reach.
       */
      owners?: Array<{
        /** Owner entity refs (`group:default/team-a`; kind defaults to group). */
        owner: string | string[];
        /** Cluster names or globs. Default: all (`*`). */
        clusters?: string | string[];
        /** Namespaces (globs) of the Flux objects. Default: none. */
        namespaces?: string | string[];
        /** `owner/repo` names or globs pushes and fix PRs may use. Default: none. */
        repositories?: string | string[];
      }>;
      /**
       * Label on a Flux object naming the one entity that may watch it, as
       * `<kind>.<namespace>.<name>` (`component.default.podinfo`). Such an
       * object also vouches for the repository its Git source reads.
       * Default: `gort.io/entity`.
       */
      entityLabel?: string;
      /** Let `gort.io/fix-repo` name another repository than the target repo (it must be granted too). Default: false. */
      allowSeparateFixRepo?: boolean;
      /**
       * Docs folders (globs) an entity may name in `gort.io/docs-paths`
       * besides `docs/plans/` and the Flux objects' spec.path trees; `.` allows
       * the whole repository. Default: none.
       */
      docsPaths?: string[];
    };

    events?: {
      /**
       * Use `github.push` from Backstage's events system even though the
       * GitHub events module verifies nothing without its
       * `events.modules.github.webhookSecret`. Default: false (such pushes are
       * ignored, with a warning at startup).
       */
      trustUnverified?: boolean;
    };

    flux?: {
      /**
       * Set `reconcile.fluxcd.io/requestedAt` on the source and the Flux
       * object when a push arrives, so Flux acts within seconds instead of at
       * its interval. Needs `patch` on those kinds. Default: false.
       */
      requestReconcile?: boolean;
      /**
       * How often GORT asks each cluster again which Flux API versions it
       * serves (after a Flux upgrade a version may stop being served; the
       * watch then moves to the served one, keeping its cache). A 404 on a
       * watch also asks at once. E.g. `5m`. Default: 5m.
       */
      discoveryInterval?: string;
      /**
       * Longest wait before a failed list or watch of a cluster is tried
       * again: the wait starts at 1s and doubles up to this, as client-go's
       * reflector does (800ms to 30s). A cluster whose API comes back is seen
       * again at most this long after. At least 1s. Default: 30s.
       */
      maxWatchRetryDelay?: string;
    };

    /**
     * AI analysis of failures and intent checks. Without any key the
     * provider is `none`: rules-only diagnosis, runtime-health intent checks.
     */
    ai?: {
      /**
       * `anthropic`, `openai` (any OpenAI-compatible endpoint: OpenAI, GitHub
       * Models, Groq…), `ollama`, `none`, or the id of a provider a backend
       * module adds through `gortAiExtensionPoint` (its settings under
       * `gort.ai.<id>`). Default: `anthropic` when
       * `gort.ai.anthropic.apiKey` is set, else `openai` when its key is set,
       * else `none`.
       */
      provider?: string;
      anthropic?: {
        /** @visibility secret */
        apiKey?: string;
        /** Default: claude-sonnet-4-5. */
        model?: string;
        /** Messages API base URL (a proxy or a stand-in). */
        baseUrl?: string;
      };
      openai?: {
        /** @visibility secret */
        apiKey?: string;
        /** Default: gpt-4.1. */
        model?: string;
        /** Base URL of the OpenAI-compatible API, e.g. GitHub Models or Groq. */
        baseUrl?: string;
      };
      ollama?: {
        /** Default: http://localhost:11434/v1 (Ollama's OpenAI-compatible endpoint). */
        baseUrl?: string;
        /** @visibility secret */
        apiKey?: string;
        /** Default: qwen2.5-coder:7b. */
        model?: string;
      };
      /** max_tokens of one answer. Default: 8192. */
      maxTokens?: number;
      /** Tokens (input + output) one run may spend. Default: 200000. */
      runTokenBudget?: number;
      /** Timeout of one request, e.g. `2m`. Default: 2m. */
      timeout?: string;
      /** How long identical inputs are answered from the cache. Default: 7 days (`168h`). */
      cacheTtl?: string;
      retries?: {
        /** Retries on 429, 5xx and 529. Default: 3. */
        maxRetries?: number;
        /** First backoff, doubled each retry, e.g. `1s`. Default: 1s. */
        baseDelay?: string;
        /** Longest wait between retries (also caps retry-after). Default: 20s. */
        maxDelay?: string;
      };
    };

    scm?: {
      /**
       * The source-control system that reads pushed repositories and takes
       * fix pull requests and comments: `github` (built in, through
       * `integrations.github`) or the id of a provider a backend module adds
       * through `gortScmExtensionPoint`. Default: `github`.
       */
      provider?: string;
    };

    /** Fix pull requests (entities in `fix-pr` mode) and diagnose-only comments. */
    fixPr?: {
      /** Host of the `integrations.github` entry to use. Default: the only one configured, else github.com. */
      githubHost?: string;
      /**
       * Fix PRs opened for a failure that follows the merge of a GORT fix PR,
       * before GORT escalates (comments on the merged PR) instead. Default: 1.
       */
      maxAttemptsAfterMerge?: number;
      /** In `diagnose-only` mode, post the findings as a comment on the pushed commit. Default: true. */
      commentInDiagnoseOnly?: boolean;
      /** More globs fixes may touch besides the Flux object's spec.path tree and the docs paths (.github/ never). */
      allowedPaths?: string[];
      /**
       * What happens to a proposed fix that widens privilege or trust (RBAC,
       * webhooks, CRDs, namespaces, Flux sources, privileged pods, host access,
       * remote kustomize, clear-text Secrets): `refuse` (default: no PR) or
       * `label` (the PR is opened with the `needs-security-review` label and
       * its validation is never shown as passed).
       */
      editPolicy?: 'refuse' | 'label';
      /** How often the state of open fix PRs is read from GitHub. Default: every 5 minutes. */
      refresh?: SchedulerServiceTaskScheduleDefinitionConfig;
    };

    /**
     * The verdict on the pushed commit: a check run per entity (and cluster)
     * named `gort/<entity>[/<cluster>]` when the GitHub integration has a
     * GitHub App installed on the repository's owner, else a commit status
     * with the same context. Anyone who can read the repository sees it.
     */
    checks?: {
      /** Post check runs or statuses at all. Default: true. */
      enabled?: boolean;
      /**
       * Above this many entities followed for one commit, one aggregate check
       * `gort/all` with a row per entity replaces the per-entity checks.
       * Default: 20.
       */
      aggregateAbove?: number;
      /**
       * Include redacted evidence summaries (failure message, evidence lines)
       * for every entity. Default: false (verdict, category, stage and link
       * only); `gort.io/verdicts: evidence` opts in one entity.
       */
      evidence?: boolean;
      /** Stage updates of one check at most this often (final verdicts go at once). Default: 5s. */
      updateInterval?: string;
      /**
       * Also comment the verdict on the merged pull request that produced the
       * pushed commit, one comment per entity edited in place. Default: false.
       */
      mergedPrComment?: boolean;
      /**
       * A run that finished this long ago whose check (or status) still does
       * not show its verdict gets it posted again: the replica that finished
       * it stopped before writing, or GitHub kept failing. Checked by one
       * replica at a time, for runs of the last 6 hours. Default: 2m (at
       * least 1s).
       */
      catchUpAfter?: string;
    };

    /**
     * Backstage notifications (through the notifications backend) to the
     * entity's owners and to the pusher on failure, timeout, intent not met
     * and a merged fix. `gort.io/notifications: off` silences one entity.
     */
    notifications?: {
      /** Default: true. */
      enabled?: boolean;
    };

    /**
     * Clusters GORT watches. Clusters of the Kubernetes plugin
     * (`kubernetes.clusterLocatorMethods` of type `config` with service
     * account auth, and of type `catalog`) are used too, and those that
     * modules add through `gortClustersExtensionPoint`. The first cluster is the default for
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
