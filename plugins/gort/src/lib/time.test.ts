import { absoluteTime, relativeTime, runDuration } from './time';

const now = Date.parse('2026-11-23T10:00:00Z');

describe('relativeTime', () => {
  it('picks the largest unit', () => {
    expect(relativeTime('2026-11-23T09:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2026-11-23T07:00:00Z', now)).toBe('3 hours ago');
    expect(relativeTime('2026-11-22T10:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('2026-11-23T09:59:58Z', now)).toBe('2 seconds ago');
  });

  it('gives nothing for missing or broken timestamps', () => {
    expect(relativeTime(undefined, now)).toBeUndefined();
    expect(relativeTime('soon', now)).toBeUndefined();
  });
});

describe('runDuration', () => {
  it('measures finished runs and running ones up to now', () => {
    expect(
      runDuration(
        {
          createdAt: '2026-11-23T09:58:00Z',
          finishedAt: '2026-11-23T09:59:30Z',
        },
        now,
      ),
    ).toBe('1m30s');
    expect(runDuration({ createdAt: '2026-11-23T09:59:15Z' }, now)).toBe('45s');
  });
});

describe('absoluteTime', () => {
  it('prints UTC without milliseconds', () => {
    expect(absoluteTime('2026-11-23T09:58:00.123Z')).toBe(
      '2026-11-23 09:58:00 UTC',
    );
  });
});
