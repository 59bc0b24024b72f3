import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { gortPermissions } from '@internal/plugin-gort-common';
import { applyDatabaseMigrations } from './database/migrations';
import { DatabaseWatcherStore } from './database/DatabaseWatcherStore';
import { createRouter } from './service/router';
import { CatalogWatcherSync } from './watchers/CatalogWatcherSync';

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
      },
      async init(deps) {
        const db = await applyDatabaseMigrations(deps.database);
        const watcherStore = new DatabaseWatcherStore(db);
        const watcherSync = new CatalogWatcherSync({
          catalog: deps.catalog,
          auth: deps.auth,
          store: watcherStore,
          logger: deps.logger,
        });

        deps.permissionsRegistry.addPermissions(gortPermissions);

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

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            watcherStore,
          }),
        );
      },
    });
  },
});
