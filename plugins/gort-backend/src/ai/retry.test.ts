import { retryDelayMs, toAiCallError, withRetries } from './retry';
import { AiCallError } from '@gort-backstage/plugin-gort-node';

describe('retry', () => {
  const policy = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('backs off exponentially, honours retry-after and caps both', () => {
    expect(retryDelayMs(0, policy, undefined, () => 0.5)).toBe(100);
    expect(retryDelayMs(2, policy, undefined, () => 0.5)).toBe(400);
    expect(retryDelayMs(9, policy, undefined, () => 0.5)).toBe(1_000);
    expect(retryDelayMs(0, policy, 30_000)).toBe(1_000);
  });

  it('classifies provider errors', () => {
    expect(toAiCallError({ status: 529, message: 'Overloaded' }, 'anthropic')).toMatchObject({ retryable: true, status: 529 });
    expect(toAiCallError({ status: 429, message: 'slow down', headers: { 'retry-after': '2' } }, 'x')).toMatchObject({ retryable: true, retryAfterMs: 2_000 });
    expect(toAiCallError({ status: 400, message: 'bad' }, 'x').retryable).toBe(false);
    expect(toAiCallError(new Error('fetch failed: ECONNREFUSED'), 'x').retryable).toBe(true);
  });

  it('gives up after maxRetries and does not retry permanent errors', async () => {
    let calls = 0;
    const sleep = async () => {};
    await expect(withRetries(async () => { calls++; throw new AiCallError('529', 529, true); }, policy, undefined, sleep)).rejects.toThrow('529');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetries(async () => { calls++; throw new AiCallError('400', 400, false); }, policy, undefined, sleep)).rejects.toThrow('400');
    expect(calls).toBe(1);
  });
});
