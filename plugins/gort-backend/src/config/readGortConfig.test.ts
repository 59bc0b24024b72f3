import { ConfigReader } from '@backstage/config';
import { readGortConfig } from './readGortConfig';

describe('readGortConfig', () => {
  it('has sensible defaults', () => {
    expect(readGortConfig(new ConfigReader({}))).toEqual({
      defaultReconcileTimeoutMs: 600_000,
      webhook: { secrets: [], maxBodyBytes: 5 * 1024 * 1024 },
      flux: { requestReconcile: false, discoveryIntervalMs: 300_000, maxWatchRetryDelayMs: 30_000 },
      runs: {
        leaseMs: 30_000,
        maxConcurrent: 200,
        maxConcurrentFollowUps: 4,
        shutdownGraceMs: 10_000,
        manualRateLimit: { max: 5, windowMs: 600_000 },
      },
      retention: { runsMs: 90 * 86_400_000, evidenceMs: 30 * 86_400_000, deliveriesMs: 7 * 86_400_000, aiCacheMs: 7 * 86_400_000 },
      tenancy: { mapped: false, grants: [], entityLabel: 'gort.io/entity', allowSeparateFixRepo: false, extraDocsPaths: [] },
      events: { trustUnverified: false },
    });
  });

  it('reads every key', () => {
    const config = readGortConfig(
      new ConfigReader({
        gort: {
          reconcileTimeout: '15m',
          webhook: { secret: 'a', additionalSecrets: ['b'], maxBodyBytes: 2048, deliveryRetention: '1h' },
          runs: { lease: '45s', maxConcurrent: 5, maxConcurrentFollowUps: 2, shutdownGrace: '20s', manualRateLimit: { max: 2, window: '1m' } },
          retention: { runs: '30d', evidence: '7d', aiCache: '12h' },
          flux: { requestReconcile: true, discoveryInterval: '2m', maxWatchRetryDelay: '5s' },
          tenancy: {
            owners: [
              { owner: 'team-a', namespaces: ['team-a-*'], repositories: ['acme/team-a-*'] },
              { owner: ['user:default/pat', 'group:ops/SRE'], clusters: ['prod-*'], namespaces: '*' },
            ],
            entityLabel: 'example.com/backstage-entity',
            allowSeparateFixRepo: true,
            docsPaths: ['docs/**'],
          },
          events: { trustUnverified: true },
        },
      }),
    );
    expect(config).toEqual({
      defaultReconcileTimeoutMs: 900_000,
      webhook: { secrets: ['a', 'b'], maxBodyBytes: 2048 },
      flux: { requestReconcile: true, discoveryIntervalMs: 120_000, maxWatchRetryDelayMs: 5_000 },
      runs: {
        leaseMs: 45_000,
        maxConcurrent: 5,
        maxConcurrentFollowUps: 2,
        shutdownGraceMs: 20_000,
        manualRateLimit: { max: 2, windowMs: 60_000 },
      },
      // gort.webhook.deliveryRetention is still read when gort.retention.deliveries is not set
      retention: { runsMs: 30 * 86_400_000, evidenceMs: 7 * 86_400_000, deliveriesMs: 3_600_000, aiCacheMs: 43_200_000 },
      tenancy: {
        mapped: true,
        grants: [
          { owners: ['group:default/team-a'], clusters: ['*'], namespaces: ['team-a-*'], repositories: ['acme/team-a-*'] },
          { owners: ['user:default/pat', 'group:ops/sre'], clusters: ['prod-*'], namespaces: ['*'], repositories: [] },
        ],
        entityLabel: 'example.com/backstage-entity',
        allowSeparateFixRepo: true,
        extraDocsPaths: ['docs/**'],
      },
      events: { trustUnverified: true },
    });
  });

  it('names the key at fault', () => {
    expect(() => readGortConfig(new ConfigReader({ gort: { reconcileTimeout: 'soon' } }))).toThrow(
      /gort.reconcileTimeout: "soon" is not a duration/,
    );
    expect(() => readGortConfig(new ConfigReader({ gort: { webhook: { maxBodyBytes: 10 } } }))).toThrow(
      /gort.webhook.maxBodyBytes/,
    );
    expect(() => readGortConfig(new ConfigReader({ gort: { retention: { runs: 'forever' } } }))).toThrow(
      /gort.retention.runs: "forever" is not a duration .* or a number of days such as 90d/,
    );
    expect(() => readGortConfig(new ConfigReader({ gort: { tenancy: { owners: [{ namespaces: ['a'] }] } } }))).toThrow(
      /gort.tenancy.owners\[0\].owner/,
    );
    expect(() => readGortConfig(new ConfigReader({ gort: { tenancy: { owners: [{ owner: 'group:' }] } } }))).toThrow(
      /gort.tenancy.owners\[0\].owner: "group:" is not an entity ref/,
    );
    expect(() => readGortConfig(new ConfigReader({ gort: { tenancy: { entityLabel: 'not a label' } } }))).toThrow(/gort.tenancy.entityLabel/);
    expect(() => readGortConfig(new ConfigReader({ gort: { flux: { maxWatchRetryDelay: '500ms' } } }))).toThrow(
      /gort.flux.maxWatchRetryDelay: must be at least 1s/,
    );
  });
});
