/** Nearest-rank percentile of `values` (0 < p ≤ 100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

/** The machine is shared: every figure is printed with the load it was taken under. */
export function loadNote(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const os = require('node:os') as typeof import('node:os');
  const [one, five] = os.loadavg();
  return `load ${one.toFixed(2)}/${five.toFixed(2)} (1/5 min) on ${os.cpus().length} cores`;
}
