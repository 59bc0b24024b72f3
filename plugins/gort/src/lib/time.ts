import { formatDuration } from '@gort-backstage/plugin-gort-common';

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "5 minutes ago", "yesterday"; undefined for a missing or broken timestamp. */
export function relativeTime(
  iso: string | undefined,
  now: number = Date.now(),
): string | undefined {
  const at = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(at)) {
    return undefined;
  }
  const diff = at - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'second') {
      return relative.format(Math.round(diff / ms), unit);
    }
  }
  return undefined;
}

/** Duration of a run, up to now while it is still going. */
export function runDuration(
  run: { createdAt: string; finishedAt?: string },
  now: number = Date.now(),
): string {
  const start = Date.parse(run.createdAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return formatDuration(Math.max(0, end - start));
}

/** Absolute timestamp for tooltips and titles. */
export function absoluteTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime())
    ? iso
    : at
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}
