import type { CommitRunList, Run } from '@gort-backstage/plugin-gort-common';

/** Why the backend could not answer: `auth` (401/403), `network`, or another `http` status. */
export class GortApiError extends Error {
  constructor(
    message: string,
    readonly kind: 'auth' | 'network' | 'http',
    readonly status?: number,
  ) {
    super(message);
  }
}

/** What `gort follow` reads from the GORT backend. */
export interface GortApi {
  commitRuns(sha: string): Promise<CommitRunList>;
  /** Undefined when the run is gone (404). */
  run(id: string): Promise<Run | undefined>;
}

export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

const REQUEST_TIMEOUT_MS = 30_000;

/** The GORT API of the Backstage backend at `backendUrl`, as the user of `token`. */
export function createGortApi(options: {
  backendUrl: string;
  token: string;
  fetch?: FetchLike;
}): GortApi {
  const base = `${options.backendUrl.replace(/\/+$/, '')}/api/gort`;
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));

  async function get<T>(
    path: string,
    allowNotFound: boolean,
  ): Promise<T | undefined> {
    let res;
    try {
      res = await doFetch(`${base}${path}`, {
        headers: {
          Authorization: `Bearer ${options.token}`,
          Accept: 'application/json',
        },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const { cause } = error as {
        cause?: { code?: string; message?: string };
      };
      throw new GortApiError(
        `cannot reach ${base}: ${
          cause?.code ?? cause?.message ?? (error as Error).message
        }`,
        'network',
      );
    }
    const text = await res.text();
    if (res.status === 404 && allowNotFound) return undefined;
    if (res.status === 401 || res.status === 403) {
      throw new GortApiError(
        `the backend refused the token (${res.status}): sign in again with \`backstage-cli auth login\` and pass \`backstage-cli auth print-token\` as GORT_TOKEN`,
        'auth',
        res.status,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      let message = text.slice(0, 300);
      try {
        message = JSON.parse(text)?.error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new GortApiError(
        `GET ${path} answered ${res.status}: ${message}`,
        'http',
        res.status,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new GortApiError(
        `GET ${path} did not answer JSON (is ${options.backendUrl} a Backstage backend?)`,
        'http',
        res.status,
      );
    }
  }

  return {
    async commitRuns(sha) {
      return (await get<CommitRunList>(
        `/commits/${encodeURIComponent(sha)}/runs`,
        false,
      ))!;
    },
    run: id => get<Run>(`/runs/${encodeURIComponent(id)}`, true),
  };
}
