import type { ClusterProblemKind } from '@gort-backstage/plugin-gort-common';

/** Why a cluster's objects cannot be read, in words for the run's verdicts. */
export interface ClusterProblem {
  kind: ClusterProblemKind;
  /** When it started (epoch ms). */
  since: number;
  /** A plain sentence, e.g. `cluster prod unreachable since 10:02 UTC (connect ECONNREFUSED …)`. */
  message: string;
}

/** `10:02 UTC`: the clock time people compare with their own dashboards. */
export function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 16)} UTC`;
}

/** The HTTP status of a client-node or fetch error, if it carries one. */
export function httpStatusOf(error: unknown): number | undefined {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; statusCode?: unknown; status?: unknown; message?: unknown };
    for (const candidate of [e.code, e.statusCode, e.status]) {
      if (typeof candidate === 'number' && candidate >= 100 && candidate < 600) return candidate;
    }
    const match = /\b(?:HTTP-Code:|status code|^)\s*(\d{3})\b/.exec(String(e.message ?? ''));
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** The cause of a network error in a few words (`connect ECONNREFUSED 127.0.0.1:18444`), capped. */
function causeOf(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { message?: unknown; code?: unknown; cause?: unknown };
    const cause = e.cause as { message?: unknown; code?: unknown } | undefined;
    const text = [cause?.message, e.message, typeof e.code === 'string' ? e.code : undefined].find(
      part => typeof part === 'string' && part.length > 0,
    );
    if (typeof text === 'string') return text.replace(/\s+/g, ' ').slice(0, 160);
  }
  return String(error).slice(0, 160);
}

/** A failing list or watch of `kind` on `cluster`, classified: 401, 403, otherwise unreachable. */
export function classifyWatchFailure(cluster: string, kind: string, error: unknown, since: number): ClusterProblem {
  const status = httpStatusOf(error);
  if (status === 401) {
    return {
      kind: 'unauthorized',
      since,
      message: `cluster ${cluster} refuses GORT's credentials (401 Unauthorized) since ${clockTime(since)}`,
    };
  }
  if (status === 403) {
    return {
      kind: 'forbidden',
      since,
      message: `cluster ${cluster} forbids GORT to list ${kind} objects (403 Forbidden) since ${clockTime(since)}: check its ClusterRole`,
    };
  }
  return {
    kind: 'unreachable',
    since,
    message: `cluster ${cluster} unreachable since ${clockTime(since)} (${status ? `HTTP ${status}` : causeOf(error)})`,
  };
}
