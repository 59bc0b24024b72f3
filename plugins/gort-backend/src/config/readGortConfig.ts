import { Config, ConfigReader } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { parseDuration } from '@gort-backstage/plugin-gort-common';
import { DEFAULT_ENTITY_LABEL, TenancyGrant, TenancyPolicy } from '../watchers/tenancy';

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
    /** How often each cluster's served Flux API versions are discovered again. */
    discoveryIntervalMs: number;
    /** Longest wait before a failed list or watch is tried again (the backoff doubles up to it). */
    maxWatchRetryDelayMs: number;
  };
  runs: {
    leaseMs: number;
    /** How many active runs one replica works on at once. */
    maxConcurrent: number;
    /** Manual runs (`POST /runs`) one user may start per entity and window. */
    manualRateLimit: { max: number; windowMs: number };
    /** How many of them may be in diagnosis, AI or fix PR work at once. */
    maxConcurrentFollowUps: number;
    /** On shutdown, how long in-flight work may finish before it is released. */
    shutdownGraceMs: number;
  };
  /** How long what GORT stores is kept (the retention cleaner). */
  retention: RetentionConfig;
  /** Who may point GORT where (`gort.tenancy`). */
  tenancy: TenancyPolicy;
  events: {
    /** Use `github.push` from the events system even when nothing verified its signature. */
    trustUnverified: boolean;
  };
}

export interface RetentionConfig {
  /** Finished runs, with their timeline, are deleted this long after they finished. */
  runsMs: number;
  /** The evidence of finished runs (its largest part) is dropped sooner. */
  evidenceMs: number;
  /** Delivery ids, kept to recognise GitHub's redeliveries. */
  deliveriesMs: number;
  /** Cached AI answers. */
  aiCacheMs: number;
}

const DAY_MS = 24 * 3_600_000;

/** A retention period: a duration as elsewhere, or whole days (`90d`). */
function readRetention(config: Config, key: string, fallbackMs: number): number {
  const days = /^(\d{1,5})d$/.exec(config.getOptionalString(key)?.trim() ?? '');
  return days ? Number(days[1]) * DAY_MS : readDuration(config, key, fallbackMs);
}

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

function readDuration(config: Config, key: string, fallbackMs: number): number {
  const text = config.getOptionalString(key);
  if (text === undefined) return fallbackMs;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new Error(
      `Invalid config gort.${key}: "${text}" is not a duration such as 90s, 10m or 1h30m${key.startsWith('retention.') ? ', or a number of days such as 90d' : ''}`,
    );
  }
  return ms;
}

/** client-go's reflector backs off from 800 ms to 30 s; the first retry here is after 1 s. */
const MIN_WATCH_RETRY_DELAY_MS = 1000;

function readMaxWatchRetryDelay(gort: Config): number {
  const ms = readDuration(gort, 'flux.maxWatchRetryDelay', 30_000);
  if (ms < MIN_WATCH_RETRY_DELAY_MS) {
    throw new Error(`Invalid config gort.flux.maxWatchRetryDelay: must be at least 1s (the first retry waits 1s)`);
  }
  return ms;
}

function readStringList(config: Config, key: string, fallback: string[]): string[] {
  const value = config.getOptional(key);
  if (value === undefined) return fallback;
  if (typeof value === 'string') return [value];
  return config.getStringArray(key);
}

function readOwnerRef(text: string, key: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(text, { defaultKind: 'group', defaultNamespace: 'default' })).toLowerCase();
  } catch {
    throw new Error(`Invalid config gort.${key}: "${text}" is not an entity ref such as group:default/team-a`);
  }
}

/** `gort.tenancy`: owner grants, the entity label and the two allowances. */
export function readTenancyConfig(gort: Config): TenancyPolicy {
  const tenancy = gort.getOptionalConfig('tenancy');
  const grantConfigs = tenancy?.getOptionalConfigArray('owners');
  const grants: TenancyGrant[] = (grantConfigs ?? []).map((grant, i) => {
    const key = `tenancy.owners[${i}]`;
    const owners = readStringList(grant, 'owner', []).map(o => readOwnerRef(o, `${key}.owner`));
    if (owners.length === 0) throw new Error(`Invalid config gort.${key}.owner: name at least one owner entity ref`);
    return {
      owners,
      clusters: readStringList(grant, 'clusters', ['*']),
      namespaces: readStringList(grant, 'namespaces', []),
      repositories: readStringList(grant, 'repositories', []),
    };
  });
  const entityLabel = tenancy?.getOptionalString('entityLabel') ?? DEFAULT_ENTITY_LABEL;
  if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(entityLabel)) {
    throw new Error(`Invalid config gort.tenancy.entityLabel: "${entityLabel}" is not a Kubernetes label key`);
  }
  return {
    mapped: grantConfigs !== undefined,
    grants,
    entityLabel,
    allowSeparateFixRepo: tenancy?.getOptionalBoolean('allowSeparateFixRepo') ?? false,
    extraDocsPaths: tenancy?.getOptionalStringArray('docsPaths') ?? [],
  };
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
  const manualMax = gort.getOptionalNumber('runs.manualRateLimit.max') ?? 5;
  if (!Number.isInteger(manualMax) || manualMax < 1) {
    throw new Error('Invalid config gort.runs.manualRateLimit.max: must be a positive integer');
  }
  const maxConcurrentFollowUps = gort.getOptionalNumber('runs.maxConcurrentFollowUps') ?? 4;
  if (!Number.isInteger(maxConcurrentFollowUps) || maxConcurrentFollowUps < 1) {
    throw new Error('Invalid config gort.runs.maxConcurrentFollowUps: must be a positive integer');
  }
  return {
    defaultReconcileTimeoutMs: readDuration(gort, 'reconcileTimeout', DEFAULT_TIMEOUT_MS),
    webhook: { secrets, maxBodyBytes },
    flux: {
      requestReconcile: gort.getOptionalBoolean('flux.requestReconcile') ?? false,
      discoveryIntervalMs: readDuration(gort, 'flux.discoveryInterval', 5 * 60_000),
      maxWatchRetryDelayMs: readMaxWatchRetryDelay(gort),
    },
    runs: {
      leaseMs: readDuration(gort, 'runs.lease', 30_000),
      maxConcurrent,
      manualRateLimit: { max: manualMax, windowMs: readDuration(gort, 'runs.manualRateLimit.window', 600_000) },
      maxConcurrentFollowUps,
      shutdownGraceMs: readDuration(gort, 'runs.shutdownGrace', 10_000),
    },
    retention: {
      runsMs: readRetention(gort, 'retention.runs', 90 * DAY_MS),
      evidenceMs: readRetention(gort, 'retention.evidence', 30 * DAY_MS),
      deliveriesMs: readRetention(gort, 'retention.deliveries', readDuration(gort, 'webhook.deliveryRetention', 7 * DAY_MS)),
      aiCacheMs: readRetention(gort, 'retention.aiCache', 7 * DAY_MS),
    },
    tenancy: readTenancyConfig(gort),
    events: { trustUnverified: gort.getOptionalBoolean('events.trustUnverified') ?? false },
  };
}
