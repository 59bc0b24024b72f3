import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import type { RunStore } from '../database/RunStore';
import type { WatcherStore } from '../database/WatcherStore';
import type { RunLifecycle } from '../runs/RunLifecycle';
import { GitHubClientFactory } from '../scm/github/createGitHubClient';
import { CatalogVerdictEntities } from './CatalogVerdictEntities';
import { CommitVerdictPublisher } from './CommitVerdictPublisher';
import { gitHubCommitVerdictClients } from './GitHubCommitVerdicts';
import { readChecksConfig, readNotificationsConfig } from './readVerdictConfig';
import { RunNotifier } from './RunNotifier';
import { DatabaseVerdictCheckStore } from './VerdictCheckStore';

/**
 * The verdict where people look: check runs or commit statuses on the pushed
 * commit (`gort.checks`) and Backstage notifications (`gort.notifications`),
 * both following the run lifecycle. Returns what to stop on shutdown, the
 * store of posted checks (for the retention cleaner) and the catch-up task
 * of checks that missed their verdict (none when checks are off).
 */
export function createVerdictChannels(deps: {
  config: Config;
  db: Knex;
  logger: LoggerService;
  auth: AuthService;
  catalog: CatalogService;
  notifications: NotificationService;
  runStore: RunStore;
  watcherStore: WatcherStore;
  lifecycle: RunLifecycle;
}): {
  stop(): void;
  checks: DatabaseVerdictCheckStore;
  catchUp?: { everyMs: number; run(signal: AbortSignal): Promise<void> };
} {
  const { config, logger } = deps;
  const appBaseUrl = config.getOptionalString('app.baseUrl') ?? '';
  const entities = new CatalogVerdictEntities(deps.catalog, deps.auth);
  const checks = new DatabaseVerdictCheckStore(deps.db);
  const checksConfig = readChecksConfig(config);
  const publisher = new CommitVerdictPublisher({
    runStore: deps.runStore,
    store: checks,
    clients: gitHubCommitVerdictClients(
      GitHubClientFactory.fromConfig(config, { onRateLimited: message => logger.warn(`GitHub (verdicts): ${message}`) }),
    ),
    entities: ref => entities.entity(ref),
    config: checksConfig,
    appBaseUrl,
    logger,
  });
  publisher.follow(deps.lifecycle);
  const notifier = new RunNotifier({
    notifications: deps.notifications,
    runStore: deps.runStore,
    entities: ref => entities.entity(ref),
    ownersOf: async ref => (await deps.watcherStore.get(ref))?.owners ?? [],
    userForGitHubLogin: login => entities.userForGitHubLogin(login),
    config: readNotificationsConfig(config),
    appBaseUrl,
    logger,
  });
  notifier.follow(deps.lifecycle);
  return {
    checks,
    ...(checksConfig.enabled
      ? {
          catchUp: {
            // looked at twice per `catchUpAfter`, at most once a minute
            everyMs: Math.min(60_000, Math.max(1_000, checksConfig.catchUpAfterMs / 2)),
            run: async (signal: AbortSignal) => {
              await publisher.catchUp({ signal });
            },
          },
        }
      : {}),
    stop: () => {
      publisher.stop();
      notifier.stop();
    },
  };
}
