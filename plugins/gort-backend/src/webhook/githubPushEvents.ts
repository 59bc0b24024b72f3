import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
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
 * events system (which verifies their signature), handles `github.push`
 * exactly like a delivery to GORT's own webhook.
 */
export async function subscribeToGithubPushEvents(options: {
  events: EventsService;
  receiver: WebhookReceiver;
  logger: LoggerService;
}): Promise<void> {
  const { events, receiver, logger } = options;
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
