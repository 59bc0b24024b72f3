import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { gortPermissions } from '@internal/plugin-gort-common';
import { applyDatabaseMigrations } from './database/migrations';
import { DatabaseRunStore } from './database/DatabaseRunStore';
import { DatabaseWatcherStore } from './database/DatabaseWatcherStore';
import { readGortConfig } from './config/readGortConfig';
import { PushIngestion } from './runs/PushIngestion';
import { createRouter } from './service/router';
import { CatalogWatcherSync } from './watchers/CatalogWatcherSync';
import { WebhookReceiver } from './webhook/WebhookReceiver';
import { subscribeToGithubPushEvents } from './webhook/githubPushEvents';

const DEFAULT_WATCHER_REFRESH: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 2 },
};

/**
 * GORT backend plugin: follows GitOps pushes through Flux for the catalog
 * entities annotated with `gort.io/flux-app`.
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
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init(deps) {
        const gortConfig = readGortConfig(deps.config);
        const db = await applyDatabaseMigrations(deps.database);
        const watcherStore = new DatabaseWatcherStore(db);
        const runStore = new DatabaseRunStore(db);
        const ingestion = new PushIngestion({
          watcherStore,
          runStore,
          logger: deps.logger,
          defaultTimeoutMs: gortConfig.defaultReconcileTimeoutMs,
        });
        const webhookReceiver = new WebhookReceiver({
          ingestion,
          secrets: gortConfig.webhook.secrets,
        });
        if (gortConfig.webhook.secrets.length === 0) {
          deps.logger.warn(
            'gort.webhook.secret is not set: POST /api/gort/webhook answers 503 until it is',
          );
        }
        const watcherSync = new CatalogWatcherSync({
          catalog: deps.catalog,
          auth: deps.auth,
          store: watcherStore,
          logger: deps.logger,
        });

        deps.permissionsRegistry.addPermissions(gortPermissions);
        await subscribeToGithubPushEvents({
          events: deps.events,
          receiver: webhookReceiver,
          logger: deps.logger,
        });

        const refreshConfig = deps.config.getOptionalConfig(
          'gort.watchers.refresh',
        );
        await deps.scheduler.scheduleTask({
          id: 'gort-watchers-refresh',
          ...(refreshConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(refreshConfig)
            : DEFAULT_WATCHER_REFRESH),
          fn: async () => {
            await watcherSync.sync();
          },
        });

        await deps.scheduler.scheduleTask({
          id: 'gort-deliveries-cleanup',
          frequency: { hours: 1 },
          timeout: { minutes: 5 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const before = new Date(Date.now() - gortConfig.runs.deliveryRetentionMs);
            await runStore.pruneDeliveries(before);
          },
        });

        deps.httpRouter.addAuthPolicy({ path: '/webhook', allow: 'unauthenticated' });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            watcherStore,
            runStore,
            webhookReceiver,
            maxWebhookBodyBytes: gortConfig.webhook.maxBodyBytes,
          }),
        );
      },
    });
  },
});
