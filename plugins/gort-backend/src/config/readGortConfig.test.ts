import { ConfigReader } from '@backstage/config';
import { readGortConfig } from './readGortConfig';

describe('readGortConfig', () => {
  it('has sensible defaults', () => {
    expect(readGortConfig(new ConfigReader({}))).toEqual({
      defaultReconcileTimeoutMs: 600_000,
      webhook: { secrets: [], maxBodyBytes: 5 * 1024 * 1024 },
      flux: { requestReconcile: false },
      runs: {
        leaseMs: 30_000,
        maxConcurrent: 200,
        deliveryRetentionMs: 604_800_000,
        manualRateLimit: { max: 5, windowMs: 600_000 },
      },
    });
  });

  it('reads every key', () => {
    const config = readGortConfig(
      new ConfigReader({
        gort: {
          reconcileTimeout: '15m',
          webhook: { secret: 'a', additionalSecrets: ['b'], maxBodyBytes: 2048, deliveryRetention: '1h' },
          runs: { lease: '45s', maxConcurrent: 5, manualRateLimit: { max: 2, window: '1m' } },
          flux: { requestReconcile: true },
        },
      }),
    );
    expect(config).toEqual({
      defaultReconcileTimeoutMs: 900_000,
      webhook: { secrets: ['a', 'b'], maxBodyBytes: 2048 },
      flux: { requestReconcile: true },
      runs: {
        leaseMs: 45_000,
        maxConcurrent: 5,
        deliveryRetentionMs: 3_600_000,
        manualRateLimit: { max: 2, windowMs: 60_000 },
      },
    });
  });

  it('names the key at fault', () => {
    expect(() => readGortConfig(new ConfigReader({ gort: { reconcileTimeout: 'soon' } }))).toThrow(
      /gort.reconcileTimeout: "soon" is not a duration/,
    );
    expect(() => readGortConfig(new ConfigReader({ gort: { webhook: { maxBodyBytes: 10 } } }))).toThrow(
      /gort.webhook.maxBodyBytes/,
    );
  });
});
