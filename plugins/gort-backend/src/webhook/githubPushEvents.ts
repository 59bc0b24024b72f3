import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { EventsTrust } from './eventsTrust';
import { WebhookReceiver } from './WebhookReceiver';

/** Topic the GitHub events module publishes push events on. */
export const GITHUB_PUSH_TOPIC = 'github.push';

function metadataValue(
  metadata: Record<string, string | string[] | undefined> | undefined,
  name: string,
): string | undefined {
  const value = metadata?.[name] ?? metadata?.[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * For installations that already route GitHub webhooks through Backstage's
 * events system, handles `github.push` exactly like a delivery to GORT's own
 * webhook, but only when `trust` says those events are verified (or an admin
 * accepts them unverified). Either way the decision is logged.
 */
export async function subscribeToGithubPushEvents(options: {
  events: EventsService;
  receiver: WebhookReceiver;
  logger: LoggerService;
  trust: EventsTrust;
}): Promise<void> {
  const { events, receiver, logger, trust } = options;
  if (!trust.use) {
    logger.warn(trust.message);
    return;
  }
  if (trust.verified) logger.info(trust.message);
  else logger.warn(trust.message);
  await events.subscribe({
    id: 'gort-github-push',
    topics: [GITHUB_PUSH_TOPIC],
    async onEvent(params) {
      const deliveryId = metadataValue(params.metadata, 'x-github-delivery');
      try {
        const response = await receiver.receiveFromEvents('push', deliveryId, params.eventPayload);
        logger.debug(`github.push event ${deliveryId}: ${response.body.status}`);
      } catch (error) {
        logger.warn(`Ignored github.push event ${deliveryId ?? '(no delivery id)'}: ${error}`);
      }
    },
  });
}
