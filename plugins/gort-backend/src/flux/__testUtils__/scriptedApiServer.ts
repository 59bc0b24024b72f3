import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A Kubernetes API server stand-in for watch tests, whose every watch
 * connection is scripted: the test decides what each one sends and when (and
 * how) it ends. Lists answer from `objects` at `resourceVersion`; discovery
 * answers from `served` (group -> version -> resource names).
 *
 * Shapes follow the API concepts page (watch events are newline-delimited JSON
 * `{type, object}`; an expired resourceVersion is an `ERROR` event with a
 * Status of code 410, or a 410 response):
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
export interface WatchConnection {
  /** The query of the watch request (resourceVersion, allowWatchBookmarks, timeoutSeconds). */
  query: URLSearchParams;
  path: string;
  res: http.ServerResponse;
  /** Sends one watch event. */
  send(type: string, object: unknown): void;
  /** Ends the response cleanly (as the API server does at its watch timeout). */
  end(): void;
  /** Destroys the socket (a connection reset, a proxy or load balancer dropping it). */
  destroy(): void;
  /** Writes half of an event line, then destroys the socket. */
  destroyMidEvent(type: string, object: unknown): void;
  closed: boolean;
}

export type WatchScript = (conn: WatchConnection) => void | 'http-410' | 'http-404' | 'http-500' | 'hang';

export interface ScriptedApiServer {
  url: string;
  served: Record<string, Record<string, string[]>>;
  objects: Map<string, unknown[]>;
  resourceVersion: number;
  /** Every watch connection so far, in order. */
  watches: WatchConnection[];
  /** Every list request so far (paths). */
  lists: string[];
  /** Decides each new watch connection; the default keeps it open and sends nothing. */
  script: WatchScript;
  close(): Promise<void>;
}

export async function startScriptedApiServer(served: Record<string, Record<string, string[]>>): Promise<ScriptedApiServer> {
  const sockets = new Set<import('node:net').Socket>();
  const state: Omit<ScriptedApiServer, 'url' | 'close'> = {
    served,
    objects: new Map(),
    resourceVersion: 100,
    watches: [],
    lists: [],
    script: () => {},
  };
  const json = (res: http.ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const status = (code: number, reason: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message: reason });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/apis') {
      json(res, 200, {
        kind: 'APIGroupList',
        groups: Object.entries(state.served).map(([name, versions]) => ({
          name,
          versions: Object.keys(versions).map(version => ({ groupVersion: `${name}/${version}`, version })),
        })),
      });
      return;
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const resources = state.served[parts[1]]?.[parts[2]];
      if (!resources) {
        json(res, 404, status(404, 'NotFound'));
        return;
      }
      json(res, 200, { kind: 'APIResourceList', groupVersion: `${parts[1]}/${parts[2]}`, resources: resources.map(name => ({ name, namespaced: true })) });
      return;
    }
    if (parts[0] === 'apis' && parts.length === 4) {
      const [, group, version, plural] = parts;
      if (!state.served[group]?.[version]?.includes(plural)) {
        json(res, 404, status(404, 'NotFound'));
        return;
      }
      if (url.searchParams.get('watch') !== 'true') {
        state.lists.push(url.pathname);
        json(res, 200, { kind: 'List', apiVersion: `${group}/${version}`, metadata: { resourceVersion: String(state.resourceVersion) }, items: (state.objects.get(plural) ?? []).map(o => ({ ...(o as object), apiVersion: `${group}/${version}` })) });
        return;
      }
      let closed = false;
      const conn: WatchConnection = {
        query: url.searchParams,
        path: url.pathname,
        res,
        get closed() {
          return closed || res.destroyed || res.writableEnded;
        },
        send(type, object) {
          if (!conn.closed) res.write(`${JSON.stringify({ type, object })}\n`);
        },
        end() {
          closed = true;
          res.end();
        },
        destroy() {
          closed = true;
          res.socket?.destroy();
        },
        destroyMidEvent(type, object) {
          const line = JSON.stringify({ type, object });
          res.write(line.slice(0, Math.floor(line.length / 2)), () => {
            closed = true;
            res.socket?.destroy();
          });
        },
      };
      state.watches.push(conn);
      const outcome = state.script(conn);
      const refusal = { 'http-410': [410, 'Expired'], 'http-404': [404, 'NotFound'], 'http-500': [500, 'InternalError'] } as const;
      if (outcome && outcome !== 'hang') {
        const [code, reason] = refusal[outcome];
        json(res, code, status(code, reason));
        return;
      }
      if (outcome === 'hang') return; // never answers: no headers, no close
      if (!conn.closed) {
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.flushHeaders();
      }
      return;
    }
    json(res, 404, status(404, 'NotFound'));
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state as ScriptedApiServer, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  });
}

/** Polls `check` every 5 ms until it holds; fails naming `what` after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}
