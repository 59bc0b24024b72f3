import { Config, ConfigReader } from '@backstage/config';
import { parseDuration } from '@gort-backstage/plugin-gort-common';

export interface GortConfig {
  defaultReconcileTimeoutMs: number;
  webhook: {
    /** Secrets accepted for X-Hub-Signature-256 (several allow rotation). */
    secrets: string[];
    maxBodyBytes: number;
  };
  flux: {
    /** Annotate sources and objects so Flux reconciles a push at once. */
    requestReconcile: boolean;
  };
  runs: {
    leaseMs: number;
    /** How many active runs one replica works on at once. */
    maxConcurrent: number;
    /** How many of them may be in diagnosis, AI or fix PR work at once. */
    maxConcurrentFollowUps: number;
    /** On shutdown, how long in-flight work may finish before it is released. */
    shutdownGraceMs: number;
    /** Delivery ids are kept this long for deduplication. */
    deliveryRetentionMs: number;
  };
}

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

function readDuration(config: Config, key: string, fallbackMs: number): number {
  const text = config.getOptionalString(key);
  if (text === undefined) return fallbackMs;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new Error(
      `Invalid config gort.${key}: "${text}" is not a duration such as 90s, 10m or 1h30m`,
    );
  }
  return ms;
}

/** Reads and checks the `gort` config; throws with the key at fault. */
export function readGortConfig(root: Config): GortConfig {
  const gort = root.getOptionalConfig('gort') ?? new ConfigReader({}, 'gort');
  const secret = gort.getOptionalString('webhook.secret');
  const secrets = [
    ...(secret ? [secret] : []),
    ...(gort.getOptionalStringArray('webhook.additionalSecrets') ?? []),
  ].filter(s => s.length > 0);
  const maxBodyBytes = gort.getOptionalNumber('webhook.maxBodyBytes') ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024) {
    throw new Error('Invalid config gort.webhook.maxBodyBytes: must be an integer of at least 1024');
  }
  const maxConcurrent = gort.getOptionalNumber('runs.maxConcurrent') ?? 200;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new Error('Invalid config gort.runs.maxConcurrent: must be a positive integer');
  }
  const maxConcurrentFollowUps = gort.getOptionalNumber('runs.maxConcurrentFollowUps') ?? 4;
  if (!Number.isInteger(maxConcurrentFollowUps) || maxConcurrentFollowUps < 1) {
    throw new Error('Invalid config gort.runs.maxConcurrentFollowUps: must be a positive integer');
  }
  return {
    defaultReconcileTimeoutMs: readDuration(gort, 'reconcileTimeout', DEFAULT_TIMEOUT_MS),
    webhook: { secrets, maxBodyBytes },
    flux: { requestReconcile: gort.getOptionalBoolean('flux.requestReconcile') ?? false },
    runs: {
      leaseMs: readDuration(gort, 'runs.lease', 30_000),
      maxConcurrent,
      maxConcurrentFollowUps,
      shutdownGraceMs: readDuration(gort, 'runs.shutdownGrace', 10_000),
      deliveryRetentionMs: readDuration(gort, 'webhook.deliveryRetention', 7 * 24 * 3_600_000),
    },
  };
}
