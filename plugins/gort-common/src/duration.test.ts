import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1m0s', 60_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', 'm', '10 minutes', '-5m', '1d', 'x'.repeat(40)])(
    'rejects %p',
    text => expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('formatDuration', () => {
  it('is compact', () => {
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_723_000)).toBe('1h2m3s');
    expect(formatDuration(420)).toBe('420ms');
  });
});
