import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { gortPermissions } from '@gort-backstage/plugin-gort-common';
import { readGortConfig } from './config/readGortConfig';
import { DatabaseManualRunLimiter } from './database/DatabaseManualRunLimiter';
import { DatabaseRunStore } from './database/DatabaseRunStore';
import { DatabaseWatcherStore } from './database/DatabaseWatcherStore';
import { applyDatabaseMigrations } from './database/migrations';
import { ClusterEvidenceCollector } from './evidence/ClusterEvidenceCollector';
import { kubeConfigFor, readClusterDefinitions } from './flux/clusters';
import { FluxClusterClient } from './flux/FluxClusterClient';
import { FluxObserver } from './flux/FluxObserver';
import { FluxReconcileRequester } from './flux/FluxReconcileRequester';
import { createGortFollowUps } from './followups/createGortFollowUps';
import { GortMetrics } from './metrics';
import { PushIngestion } from './runs/PushIngestion';
import { RunProcessor } from './runs/RunProcessor';
import { EntityAccess } from './service/EntityAccess';
import { GortStatusService } from './service/GortStatusService';
import { createRouter } from './service/router';
import { RunSignalPublisher } from './signals/RunSignalPublisher';
import { CatalogWatcherSync } from './watchers/CatalogWatcherSync';
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
      },
      async init(deps) {
        const { logger, config, scheduler } = deps;
        const gortConfig = readGortConfig(config);
        const metrics = new GortMetrics();
        const db = await applyDatabaseMigrations(deps.database);
        const watcherStore = new DatabaseWatcherStore(db);
        const runStore = new DatabaseRunStore(db);
        metrics.observeQueueDepth(() => runStore.countActive());
        const runSignals = new RunSignalPublisher({
          signals: deps.signals,
          ownersOf: async entityRef => (await watcherStore.get(entityRef))?.owners ?? [],
          logger,
        });

        // Flux: one watch per cluster and kind, shared by every run.
        const clusters = readClusterDefinitions(config);
        if (clusters.length === 0) {
          logger.warn('No cluster is configured for GORT (gort.clusters or kubernetes.clusterLocatorMethods): runs will end in error');
        }
        const readers = new Map(
          clusters.map(cluster => [
            cluster.name,
            new FluxClusterClient(kubeConfigFor(cluster), verb => metrics.kubernetesRequest(cluster.name, verb)),
          ]),
        );
        const observer = new FluxObserver({
          clusters,
          logger,
          onRequest: (cluster, _kind, verb) => metrics.kubernetesRequest(cluster, verb),
        });
        const { followUps, prStates } = createGortFollowUps({
          config,
          db,
          logger,
          runStore,
          watcherStore,
          lookup: observer,
          readerFor: name => readers.get(name),
          metrics,
        });
        const processor = new RunProcessor({
          runStore,
          lookup: observer,
          logger,
          ownerId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
          leaseMs: gortConfig.runs.leaseMs,
          maxConcurrent: gortConfig.runs.maxConcurrent,
          diagnoser: new ClusterEvidenceCollector({ lookup: observer, readerFor: name => readers.get(name), logger }),
          followUps,
          reconcileRequester: gortConfig.flux.requestReconcile
            ? new FluxReconcileRequester(name => readers.get(name))
            : undefined,
          onTransition: (run, to, change) => {
            void runSignals.runChanged(run, to);
            if (['succeeded', 'failed', 'timed_out', 'superseded', 'error'].includes(to)) {
              metrics.runFinished(to, Date.now() - Date.parse(run.createdAt));
            }
            if (to === 'done' && change.category) metrics.diagnosed(change.category);
          },
          onDetection: delayMs => metrics.detected(delayMs),
        });
        observer.subscribe(change =>
          processor.onFluxChange(
            {
              cluster: change.cluster,
              kind: change.kind,
              namespace: change.object.metadata?.namespace ?? '',
              name: change.object.metadata?.name ?? '',
            },
            change.receivedAt,
          ),
        );

        const ingestion = new PushIngestion({
          watcherStore,
          runStore,
          logger,
          defaultTimeoutMs: gortConfig.defaultReconcileTimeoutMs,
          onRunsCreated: () => processor.wake(),
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
          onRunsCreated: () => processor.wake(),
        });
        const watcherSync = new CatalogWatcherSync({
          catalog: deps.catalog,
          auth: deps.auth,
          store: watcherStore,
          logger,
        });

        deps.permissionsRegistry.addPermissions(gortPermissions);
        await subscribeToGithubPushEvents({ events: deps.events, receiver: webhookReceiver, logger });

        const refreshConfig = config.getOptionalConfig('gort.watchers.refresh');
        await scheduler.scheduleTask({
          id: 'gort-watchers-refresh',
          ...(refreshConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(refreshConfig)
            : DEFAULT_WATCHER_REFRESH),
          fn: async () => {
            await watcherSync.sync();
          },
        });
        // Each replica works on its own leased runs, so this task is local.
        await scheduler.scheduleTask({
          id: 'gort-run-processor',
          scope: 'local',
          frequency: { seconds: 1 },
          timeout: { minutes: 5 },
          fn: () => processor.tick(),
        });
        await scheduler.scheduleTask({
          id: 'gort-deliveries-cleanup',
          frequency: { hours: 1 },
          timeout: { minutes: 5 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            await runStore.pruneDeliveries(new Date(Date.now() - gortConfig.runs.deliveryRetentionMs));
          },
        });

        const fixPrRefreshConfig = config.getOptionalConfig('gort.fixPr.refresh');
        await scheduler.scheduleTask({
          id: 'gort-fix-pr-states',
          ...(fixPrRefreshConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(fixPrRefreshConfig)
            : DEFAULT_FIX_PR_REFRESH),
          fn: async () => {
            await prStates.refresh();
          },
        });

        deps.lifecycle.addStartupHook(() => observer.start());
        deps.lifecycle.addShutdownHook(async () => {
          await processor.stop();
          await observer.stop();
          runSignals.stop();
        });

        deps.httpRouter.addAuthPolicy({ path: '/webhook', allow: 'unauthenticated' });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            access: new EntityAccess({ permissions: deps.permissions, catalog: deps.catalog }),
            manualRunLimiter: new DatabaseManualRunLimiter(db, gortConfig.runs.manualRateLimit),
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
