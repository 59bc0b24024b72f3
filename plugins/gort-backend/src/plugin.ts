import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  coreServices,
  createBackendPlugin,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { gortPermissions } from '@gort-backstage/plugin-gort-common';
import {
  GortAiProviderFactory,
  gortAiExtensionPoint,
  gortClustersExtensionPoint,
  GortScmProvider,
  gortScmExtensionPoint,
} from '@gort-backstage/plugin-gort-node';
import { registerGortActions } from './actions/registerGortActions';
import { DatabaseAiCache } from './ai/AiCache';
import { readGortConfig } from './config/readGortConfig';
import { DatabaseDeliveryInbox } from './database/DatabaseDeliveryInbox';
import { DatabaseManualRunLimiter } from './database/DatabaseManualRunLimiter';
import { DatabaseRunStore } from './database/DatabaseRunStore';
import { DatabaseWatcherStore } from './database/DatabaseWatcherStore';
import { applyDatabaseMigrations } from './database/migrations';
import { ClusterEvidenceCollector } from './evidence/ClusterEvidenceCollector';
import { CatalogClusterSupplier } from './flux/CatalogClusterSupplier';
import { readClusterDefinitions, usesCatalogClusters } from './flux/clusters';
import { FluxObserver } from './flux/FluxObserver';
import { AuditedReconcileRequester } from './flux/AuditedReconcileRequester';
import { FluxReconcileRequester } from './flux/FluxReconcileRequester';
import { LiveFluxObjects } from './flux/LiveFluxObjects';
import { ClusterSource, WatchedClusters } from './flux/WatchedClusters';
import { createGortFollowUps } from './followups/createGortFollowUps';
import { GortMetrics } from './metrics';
import { RetentionCleaner } from './retention/RetentionCleaner';
import { CatchUpRuns } from './runs/CatchUpRuns';
import { PushIngestion } from './runs/PushIngestion';
import { RunLifecycle } from './runs/RunLifecycle';
import { recordRunMetrics } from './runs/runMetrics';
import { RunProcessor } from './runs/RunProcessor';
import { ScmCommitComparer } from './scm/ScmCommitComparer';
import { GitHubClientFactory } from './scm/github/createGitHubClient';
import { FailedDeliveryRedelivery } from './redelivery/FailedDeliveryRedelivery';
import { GitHubHookDeliveries } from './redelivery/GitHubHookDeliveries';
import { readRedeliveryConfig } from './redelivery/readRedeliveryConfig';
import { scheduleGortTasks } from './service/scheduleGortTasks';
import { EntityAccess } from './service/EntityAccess';
import { GortStatusService } from './service/GortStatusService';
import { ManualRuns } from './service/ManualRuns';
import { createRouter } from './service/router';
import { RunSignalPublisher } from './signals/RunSignalPublisher';
import { createVerdictChannels } from './verdicts/createVerdictChannels';
import { CatalogWatcherSync } from './watchers/CatalogWatcherSync';
import { observedFacts } from './watchers/observedFacts';
import { decideEventsTrust } from './webhook/eventsTrust';
import { subscribeToGithubPushEvents } from './webhook/githubPushEvents';
import { WebhookReceiver } from './webhook/WebhookReceiver';

const DEFAULT_FIX_PR_REFRESH: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 2 },
  initialDelay: { minutes: 1 },
};

const DEFAULT_WATCHER_REFRESH: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 2 },
};

/**
 * GORT backend plugin: follows GitOps pushes through Flux for the catalog
 * entities annotated with `gort.io/flux-app`. This file only wires services.
 */
export const gortPlugin = createBackendPlugin({
  pluginId: 'gort',
  register(env) {
    const addedScms: GortScmProvider[] = [];
    env.registerExtensionPoint(gortScmExtensionPoint, {
      addScmProvider: (...providers) => addedScms.push(...providers),
    });
    const addedAiProviders: GortAiProviderFactory[] = [];
    env.registerExtensionPoint(gortAiExtensionPoint, {
      addAiProvider: (...factories) => addedAiProviders.push(...factories),
    });
    const clusterSources: ClusterSource[] = [];
    env.registerExtensionPoint(gortClustersExtensionPoint, {
      addClusterSupplier: supplier => clusterSources.push({ supplier, origin: 'a cluster supplier module' }),
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        signals: signalsServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { logger, config, scheduler } = deps;
        const gortConfig = readGortConfig(config);
        const metrics = new GortMetrics();
        const db = await applyDatabaseMigrations(deps.database);
        const watcherStore = new DatabaseWatcherStore(db);
        const runStore = new DatabaseRunStore(db);
        metrics.observeQueueDepth(() => runStore.countActive());

        // Flux: one watch per cluster and kind, shared by every run.
        const configuredClusters = readClusterDefinitions(config);
        if (usesCatalogClusters(config)) {
          clusterSources.push({ supplier: new CatalogClusterSupplier(deps.catalog), origin: 'catalog (kubernetes.clusterLocatorMethods)' });
        }
        if (configuredClusters.length === 0 && clusterSources.length === 0) {
          logger.warn('No cluster is configured for GORT (gort.clusters or kubernetes.clusterLocatorMethods): runs will end in error');
        }
        const observer = new FluxObserver({
          clusters: configuredClusters,
          logger,
          onRequest: (cluster, _kind, verb) => metrics.kubernetesRequest(cluster, verb),
          onWatchRestart: (cluster, kind, reason) => metrics.watchRestart(cluster, kind, reason),
          rediscoverEveryMs: gortConfig.flux.discoveryIntervalMs,
          maxBackoffMs: gortConfig.flux.maxWatchRetryDelayMs,
        });
        const clusters = new WatchedClusters({
          configured: configuredClusters,
          sources: clusterSources,
          watches: observer,
          auth: deps.auth,
          logger,
          onRequest: (cluster, verb) => metrics.kubernetesRequest(cluster, verb),
        });
        const { followUps, prStates, scm } = createGortFollowUps({
          config,
          db,
          logger,
          runStore,
          watcherStore,
          lookup: observer,
          readerFor: name => clusters.readerFor(name),
          added: { scmProviders: addedScms, aiProviders: addedAiProviders },
          metrics,
          auditor: deps.auditor,
        });
        const lifecycle = new RunLifecycle(logger);
        recordRunMetrics(lifecycle, metrics);
        const runSignals = new RunSignalPublisher({
          signals: deps.signals,
          ownersOf: async entityRef => (await watcherStore.get(entityRef))?.owners ?? [],
          logger,
        });
        runSignals.follow(lifecycle);
        // Check runs or statuses on the pushed commit, and notifications to owners.
        const verdictChannels = createVerdictChannels({ ...deps, db, runStore, watcherStore, lifecycle });
        const processor = new RunProcessor({
          runStore,
          lookup: observer,
          logger,
          ownerId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
          leaseMs: gortConfig.runs.leaseMs,
          maxConcurrent: gortConfig.runs.maxConcurrent,
          maxConcurrentFollowUps: gortConfig.runs.maxConcurrentFollowUps,
          shutdownGraceMs: gortConfig.runs.shutdownGraceMs,
          diagnoser: new ClusterEvidenceCollector({ lookup: observer, readerFor: name => clusters.readerFor(name), logger, branchHead: run => followUps.branchHead(run), served: observer }),
          followUps,
          reconcileRequester: gortConfig.flux.requestReconcile
            ? new AuditedReconcileRequester(new FluxReconcileRequester(name => clusters.readerFor(name), undefined, undefined, observer), deps.auditor)
            : undefined,
          liveReader: new LiveFluxObjects(name => clusters.readerFor(name), observer),
          lifecycle,
          commitComparer: new ScmCommitComparer(scm),
        });
        processor.follow(observer);
        new CatchUpRuns({
          watcherStore,
          runStore,
          lookup: observer,
          logger,
          defaultTimeoutMs: gortConfig.defaultReconcileTimeoutMs,
          lifecycle,
        }).follow(observer);

        const ingestion = new PushIngestion({
          watcherStore,
          runStore,
          inbox: new DatabaseDeliveryInbox(db),
          logger,
          defaultTimeoutMs: gortConfig.defaultReconcileTimeoutMs,
          lifecycle,
        });
        const webhookReceiver = new WebhookReceiver({
          ingestion,
          secrets: gortConfig.webhook.secrets,
          onOutcome: (outcome, via) => metrics.webhookDelivery(outcome, via),
        });
        if (gortConfig.webhook.secrets.length === 0) {
          logger.warn('gort.webhook.secret is not set: POST /api/gort/webhook answers 503 until it is');
        }
        const statusService = new GortStatusService({
          watcherStore,
          runStore,
          lookup: observer,
          defaultTimeoutMs: gortConfig.defaultReconcileTimeoutMs,
          lifecycle,
        });
        const watcherSync = new CatalogWatcherSync({
          catalog: deps.catalog,
          auth: deps.auth,
          store: watcherStore,
          logger,
          knownClusters: () => observer.clusterNames,
          tenancy: { policy: gortConfig.tenancy, factsOf: observedFacts(observer), defaultCluster: () => observer.defaultCluster },
        });
        logger.info(
          gortConfig.tenancy.mapped
            ? `GORT tenancy: ${gortConfig.tenancy.grants.length} owner grant(s) in gort.tenancy.owners; objects labelled ${gortConfig.tenancy.entityLabel} vouch for their entity`
            : 'GORT tenancy: gort.tenancy.owners is not set, so any entity may name any Flux object and repository GORT can reach (fix-repo and docs-path rules still apply)',
        );

        deps.permissionsRegistry.addPermissions(gortPermissions);
        await subscribeToGithubPushEvents({
          events: deps.events,
          receiver: webhookReceiver,
          logger,
          trust: decideEventsTrust(config, gortConfig.events.trustUnverified),
        });

        const retention = new RetentionCleaner({
          runStore,
          aiCache: new DatabaseAiCache(db),
          verdictChecks: verdictChannels.checks,
          retention: gortConfig.retention,
          logger,
        });
        const redeliveryConfig = readRedeliveryConfig(config);
        const redelivery = redeliveryConfig
          ? new FailedDeliveryRedelivery({
              ...redeliveryConfig,
              api: new GitHubHookDeliveries(GitHubClientFactory.fromConfig(config, { onRateLimited: message => logger.warn(`GitHub: ${message}`) })),
              knownDeliveryIds: ids => runStore.knownDeliveryIds(ids),
              logger,
            })
          : undefined;
        await scheduleGortTasks(scheduler, config, [
          // Global (one replica at a time): a failed delivery is asked for again once.
          ...(redelivery
            ? [
                {
                  id: 'gort-webhook-redelivery',
                  configKey: 'gort.webhook.redelivery.schedule',
                  schedule: {
                    frequency: { minutes: 5 },
                    timeout: { minutes: 2 },
                    initialDelay: { minutes: 1 },
                  },
                  run: async (abortSignal: AbortSignal) => {
                    metrics.redeliveryCheck(
                      await redelivery.check(abortSignal),
                    );
                  },
                },
              ]
            : []),
          {
            id: 'gort-watchers-refresh',
            configKey: 'gort.watchers.refresh',
            schedule: DEFAULT_WATCHER_REFRESH,
            run: () => watcherSync.sync(),
          },
          // Deliveries left in the inbox by a replica that stopped, or whose drain failed.
          {
            id: 'gort-delivery-inbox',
            scope: 'local',
            schedule: { frequency: { seconds: 5 }, timeout: { minutes: 2 } },
            run: abortSignal =>
              ingestion.drainLeftBehind(abortSignal).then(() => undefined),
          },
          // Each replica works on its own leased runs, so this task is local.
          { id: 'gort-run-processor', scope: 'local', schedule: { frequency: { seconds: 1 }, timeout: { minutes: 5 } }, run: abortSignal => processor.tick(abortSignal) },
          {
            id: 'gort-retention',
            configKey: 'gort.retention.schedule',
            schedule: { frequency: { hours: 1 }, timeout: { minutes: 15 }, initialDelay: { minutes: 1 } },
            run: abortSignal => retention.clean(abortSignal),
          },
          // Global: finished runs whose checks missed their verdict, posted by one replica.
          ...(verdictChannels.catchUp
            ? [
                {
                  id: 'gort-verdict-catch-up',
                  schedule: {
                    frequency: { milliseconds: verdictChannels.catchUp.everyMs },
                    timeout: { minutes: 5 },
                    initialDelay: { milliseconds: verdictChannels.catchUp.everyMs },
                  },
                  run: verdictChannels.catchUp.run,
                },
              ]
            : []),
          { id: 'gort-fix-pr-states', configKey: 'gort.fixPr.refresh', schedule: DEFAULT_FIX_PR_REFRESH, run: () => prStates.refresh() },
          // Each replica keeps its own watches, so it reads the cluster suppliers itself.
          {
            id: 'gort-clusters-refresh',
            scope: 'local',
            schedule: { frequency: { seconds: 30 }, timeout: { minutes: 1 }, initialDelay: { seconds: 30 } },
            run: () => clusters.refresh(),
          },
        ]);

        deps.lifecycle.addStartupHook(async () => {
          await clusters.refresh();
          await observer.start();
          processor.start();
        });
        deps.lifecycle.addShutdownHook(async () => {
          await ingestion.stop();
          await processor.stop();
          await observer.stop();
          runSignals.stop();
          verdictChannels.stop();
        });

        // One authorization for every channel: the HTTP API and the MCP actions.
        const access = new EntityAccess({ permissions: deps.permissions, catalog: deps.catalog });
        const manualRuns = new ManualRuns({
          access,
          limiter: new DatabaseManualRunLimiter(db, gortConfig.runs.manualRateLimit),
          statusService,
        });
        registerGortActions({ actionsRegistry: deps.actionsRegistry, access, statusService, runStore, manualRuns });

        deps.httpRouter.addAuthPolicy({ path: '/webhook', allow: 'unauthenticated' });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            access,
            manualRuns,
            auditor: deps.auditor,
            watcherStore,
            runStore,
            statusService,
            webhookReceiver,
            maxWebhookBodyBytes: gortConfig.webhook.maxBodyBytes,
          }),
        );
      },
    });
  },
});
