import { Config } from '@backstage/config';

/** Config key of the GitHub events module's webhook secret. */
export const GITHUB_EVENTS_SECRET_KEY = 'events.modules.github.webhookSecret';

export interface EventsTrust {
  /** Whether `github.push` from the events system is used. */
  use: boolean;
  /** Whether the GitHub events module checks their signatures. */
  verified: boolean;
  /** What the startup log says, and why. */
  message: string;
}

/**
 * Whether pushes from Backstage's events system may start runs (pure). They
 * carry no raw body GORT could verify; the GitHub events module verifies the
 * signature only when its `webhookSecret` is set. Without it they are used
 * only when an admin says so with `gort.events.trustUnverified`.
 */
export function decideEventsTrust(root: Config, trustUnverified: boolean): EventsTrust {
  const secret = root.getOptionalString(GITHUB_EVENTS_SECRET_KEY);
  if (secret && secret.length > 0) {
    return {
      use: true,
      verified: true,
      message: `GORT uses github.push from the events system: the GitHub events module verifies signatures (${GITHUB_EVENTS_SECRET_KEY} is set)`,
    };
  }
  if (trustUnverified) {
    return {
      use: true,
      verified: false,
      message: `GORT uses github.push from the events system UNVERIFIED (gort.events.trustUnverified is true and ${GITHUB_EVENTS_SECRET_KEY} is not set): anything that can publish on the events system can start runs`,
    };
  }
  return {
    use: false,
    verified: false,
    message: `GORT ignores github.push from the events system: ${GITHUB_EVENTS_SECRET_KEY} is not set, so nothing verified those events; set it, or gort.events.trustUnverified: true to accept them anyway. POST /api/gort/webhook verifies its own signature`,
  };
}
