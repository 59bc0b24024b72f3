/** Backoff of the polling fallback: doubles up to the ceiling. */
export function nextPollDelay(currentMs: number, maxMs: number): number {
  return Math.min(currentMs * 2, maxMs);
}
