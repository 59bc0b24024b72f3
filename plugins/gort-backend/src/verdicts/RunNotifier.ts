import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { ANNOTATION_NOTIFICATIONS } from '@gort-backstage/plugin-gort-common';
import type { RunStore } from '../database/RunStore';
import type { RunLifecycle, RunLifecycleEvent } from '../runs/RunLifecycle';
import { isLeaseLost } from '../runs/ports';
import { runPageUrl } from './CommitVerdictPublisher';
import type { VerdictEntityLookup } from './ports';
import type { NotificationsConfig } from './readVerdictConfig';
import { notificationFor } from './runNotification';

export interface RunNotifierOptions {
  notifications: NotificationService;
  runStore: RunStore;
  entities: VerdictEntityLookup;
  /** Owner entity refs of an entity (users and groups), as the watcher holds them. */
  ownersOf: (entityRef: string) => Promise<string[]>;
  /** The Backstage user whose `github.com/user-login` is `login`, if the catalog knows one. */
  userForGitHubLogin: (login: string) => Promise<string | undefined>;
  config: NotificationsConfig;
  appBaseUrl: string;
  logger: LoggerService;
}

/**
 * Backstage notifications about finished runs, to the entity's owners and
 * to the pusher (when the catalog maps their GitHub login to a user),
 * behind the lease fence of the change that finished the run.
 */
export class RunNotifier {
  private unsubscribe?: () => void;

  constructor(private readonly options: RunNotifierOptions) {}

  follow(lifecycle: RunLifecycle): void {
    this.unsubscribe = lifecycle.subscribe(event => (event.state === 'done' ? this.onFinished(event) : undefined));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  async onFinished(event: RunLifecycleEvent): Promise<void> {
    const { options } = this;
    if (!options.config.enabled) return;
    const run = await options.runStore.getRun(event.runId);
    if (!run) return;
    const entity = await options.entities(run.entityRef);
    if (entity?.annotations[ANNOTATION_NOTIFICATIONS]?.trim().toLowerCase() === 'off') return;
    // A relative link: the notifications frontend resolves it against the app.
    const notification = notificationFor(run, runPageUrl('', run.entityRef, run.id));
    if (!notification) return;
    const recipients = new Set(await options.ownersOf(run.entityRef));
    if (recipients.size === 0 && entity?.owner) recipients.add(entity.owner);
    const login = run.commit?.author;
    if (login && /^[A-Za-z0-9-]{1,39}$/.test(login)) {
      const user = await options.userForGitHubLogin(login).catch(() => undefined);
      if (user) recipients.add(user);
    }
    if (recipients.size === 0) return;
    // As for GitHub writes: a replica whose lease is in doubt sends nothing
    // (the scope would fold a second copy into the first one anyway).
    try {
      await event.fence?.(`notify the owners of ${run.entityRef}`);
    } catch (error) {
      if (!isLeaseLost(error)) throw error;
      options.logger.info(
        `GORT did not send the notification of run ${run.id}: ${error.message}`,
      );
      return;
    }
    await options.notifications.send({
      recipients: { type: 'entity', entityRef: [...recipients] },
      payload: notification.payload,
    });
  }
}
