const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART_PATTERN = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * Parses a Go-style duration as Flux and Kubernetes write them
 * (`90s`, `10m`, `1h30m`, `1m0s`). Returns undefined when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 32) {
    return undefined;
  }
  if (!DURATION_PATTERN.test(trimmed)) {
    return undefined;
  }
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART_PATTERN)) {
    total += Number(amount) * UNIT_MS[unit];
  }
  return Math.round(total);
}

/** Formats milliseconds compactly, e.g. 600000 → `10m`, 90000 → `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)}ms`;
  }
  let seconds = Math.round(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return (
    [hours && `${hours}h`, minutes && `${minutes}m`, seconds && `${seconds}s`]
      .filter(Boolean)
      .join('') || '0s'
  );
}
