import type { Config } from '@backstage/config';
import { parseDuration } from '@gort-backstage/plugin-gort-common';
import type { OwnedHook } from './FailedDeliveryRedelivery';

export interface RedeliveryConfig {
  hooks: OwnedHook[];
  lookBackMs: number;
  maxRedeliveries: number;
}

const HOUR_MS = 3_600_000;
/** GitHub keeps a hook's deliveries for 3 days; nothing older can be redelivered. */
const MAX_LOOK_BACK_MS = 72 * HOUR_MS;
const KEY = 'gort.webhook.redelivery';

/** `gort.webhook.redelivery`, or undefined when it is not set (no scheduled check). */
export function readRedeliveryConfig(config: Config): RedeliveryConfig | undefined {
  const section = config.getOptionalConfig(KEY);
  if (!section) return undefined;
  const hooks = (section.getOptionalConfigArray('repositories') ?? []).map((entry, i) => {
    const repo = entry.getString('repo');
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) throw new Error(`Invalid config ${KEY}.repositories[${i}].repo: "${repo}"; use owner/repo`);
    const hookId = entry.getNumber('hookId');
    if (!Number.isInteger(hookId) || hookId < 1) throw new Error(`Invalid config ${KEY}.repositories[${i}].hookId: ${hookId}; use the hook's numeric id`);
    return { repo, hookId };
  });
  const lookBackText = section.getOptionalString('lookBack');
  const lookBackMs = lookBackText === undefined ? 24 * HOUR_MS : parseDuration(lookBackText);
  if (lookBackMs === undefined || lookBackMs <= 0 || lookBackMs > MAX_LOOK_BACK_MS) {
    throw new Error(`Invalid config ${KEY}.lookBack: "${lookBackText}"; use a duration up to 72h (GitHub keeps deliveries for 3 days)`);
  }
  const maxRedeliveries = section.getOptionalNumber('maxRedeliveries') ?? 3;
  if (!Number.isInteger(maxRedeliveries) || maxRedeliveries < 1) {
    throw new Error(`Invalid config ${KEY}.maxRedeliveries: ${maxRedeliveries}; use a whole number of at least 1`);
  }
  return { hooks, lookBackMs, maxRedeliveries };
}
