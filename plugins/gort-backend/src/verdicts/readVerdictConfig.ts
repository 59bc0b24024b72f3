import type { Config } from '@backstage/config';
import { parseDuration } from '@gort-backstage/plugin-gort-common';

export interface ChecksConfig {
  /** Post check runs (GitHub App) or commit statuses (token) at all. */
  enabled: boolean;
  /** Above this many entities for one commit, one aggregate check instead of one per entity. */
  aggregateAbove: number;
  /** Include redacted evidence summaries for every entity (else only where annotated). */
  evidence: boolean;
  /** Stage updates of one check at most this often; final verdicts go at once. */
  updateIntervalMs: number;
  /** Comment the verdict on the merged pull request that produced the commit. */
  mergedPrComment: boolean;
  /** A finished run whose check does not show its verdict this long after is posted again. */
  catchUpAfterMs: number;
}

export interface NotificationsConfig {
  enabled: boolean;
}

export const DEFAULT_AGGREGATE_ABOVE = 20;
const DEFAULT_UPDATE_INTERVAL_MS = 5_000;
const DEFAULT_CATCH_UP_AFTER_MS = 2 * 60_000;

function duration(config: Config, key: string, fallbackMs: number): number {
  const value = config.getOptionalString(key);
  if (value === undefined) return fallbackMs;
  const ms = parseDuration(value);
  if (ms === undefined) throw new Error(`Invalid ${key} "${value}": use a duration like 5s or 1m`);
  return ms;
}

export function readChecksConfig(config: Config): ChecksConfig {
  const aggregateAbove = config.getOptionalNumber('gort.checks.aggregateAbove') ?? DEFAULT_AGGREGATE_ABOVE;
  if (!Number.isInteger(aggregateAbove) || aggregateAbove < 1) {
    throw new Error(`Invalid gort.checks.aggregateAbove ${aggregateAbove}: use a whole number of at least 1`);
  }
  return {
    enabled: config.getOptionalBoolean('gort.checks.enabled') ?? true,
    aggregateAbove,
    evidence: config.getOptionalBoolean('gort.checks.evidence') ?? false,
    updateIntervalMs: duration(config, 'gort.checks.updateInterval', DEFAULT_UPDATE_INTERVAL_MS),
    mergedPrComment: config.getOptionalBoolean('gort.checks.mergedPrComment') ?? false,
    catchUpAfterMs: Math.max(1_000, duration(config, 'gort.checks.catchUpAfter', DEFAULT_CATCH_UP_AFTER_MS)),
  };
}

export function readNotificationsConfig(config: Config): NotificationsConfig {
  return { enabled: config.getOptionalBoolean('gort.notifications.enabled') ?? true };
}
