/** The Kubernetes API stand-in over plain HTTP with bearer-token authentication. */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { badRequest, KubeApiError, statusBody } from './errors';
import {
  apiGroupDocument,
  coreVersions,
  groupList,
  resourceList,
  versionInfo,
} from './discovery';
import { parseApiPath } from './paths';
import {
  findByPlural,
  groupVersion,
  RESOURCE_TYPES,
  ResourceType,
} from './resources';
import { KubeStore } from './store';
import { toTable, wantsTable } from './table';
import { KubeObject, WatchEvent } from './types';
import { patchTypeFromContentType } from './patch';
import { readPodLog } from './podLogRequest';

export interface KubeApiServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  token: string;
  store?: KubeStore;
  /** How often a watch with allowWatchBookmarks gets a BOOKMARK; default 10s. */
  bookmarkIntervalMs?: number;
  /** Default watch duration when the client sets no timeoutSeconds; default 30 min. */
  defaultWatchTimeoutSeconds?: number;
  /** Serve HTTPS instead of HTTP (kubectl only sends bearer tokens over HTTPS). */
  tls?: { cert: string; key: string };
  /**
   * The resource types served, in discovery and on resource paths (default
   * RESOURCE_TYPES): e.g. a cluster without helm-controller, or an older Flux
   * whose OCIRepository is served at v1beta2 only. Discovery documents follow
   * https://kubernetes.io/docs/reference/using-api/api-concepts/#discovery-api
   * (APIGroupList at /apis, APIGroup at /apis/<group>, APIResourceList at
   * /apis/<group>/<version>).
   */
  resourceTypes?: readonly ResourceType[];
}

export interface KubeApiServer {
  url: string;
  store: KubeStore;
  /** Requests received so far, by verb (`list`, `watch`, `get`, …), for load figures. */
  requestCounts(): Record<string, number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A rough Kubernetes verb for request accounting. */
function requestVerb(req: IncomingMessage): string {
  const url = req.url ?? '';
  if (/[?&]watch=(true|1)/.test(url)) return 'watch';
  if (req.method === 'GET') return url.endsWith('/log') || url.includes('/log?') ? 'log' : 'get-or-list';
  return (req.method ?? 'other').toLowerCase();
}

type ResourceRequest = Extract<
  ReturnType<typeof parseApiPath>,
  { kind: 'resource' }
>;

function sendJson(res: ServerResponse, code: number, body: unknown) {
  if (res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: unknown) {
  const apiError =
    error instanceof KubeApiError
      ? error
      : new KubeApiError(
          'BadRequest',
          error instanceof Error ? error.message : String(error),
        );
  sendJson(res, apiError.code, apiError.toStatus());
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(badRequest('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw.trim()) throw badRequest('the request body is empty');
  const mediaType = (contentType ?? '').split(';')[0].trim();
  try {
    if (mediaType.endsWith('yaml')) return parseYaml(raw);
    return JSON.parse(raw);
  } catch (e) {
    throw badRequest(
      `the request body could not be decoded: ${(e as Error).message}`,
    );
  }
}

/** Objects are stored at the preferred version; answer at the version the client asked for. */
function atVersion(
  obj: KubeObject,
  type: ResourceType,
  version: string,
): KubeObject {
  return { ...obj, apiVersion: groupVersion(type.group, version) };
}

function isAuthorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return !!match && match[1].trim() === token;
}

export async function startKubeApiServer(
  options: KubeApiServerOptions,
): Promise<KubeApiServer> {
  const store = options.store ?? new KubeStore();
  const host = options.host ?? '127.0.0.1';
  const servedTypes = options.resourceTypes ?? RESOURCE_TYPES;
  const openWatches = new Set<() => void>();

  const counts: Record<string, number> = {};
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const verb = requestVerb(req);
    counts[verb] = (counts[verb] ?? 0) + 1;
    handle(req, res).catch(error => sendError(res, error));
  };
  const server = options.tls
    ? https.createServer(
        { cert: options.tls.cert, key: options.tls.key },
        listener,
      )
    : http.createServer(listener);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!isAuthorized(req, options.token)) {
      sendJson(res, 401, statusBody('Unauthorized', 'Unauthorized'));
      return;
    }
    const path = parseApiPath(url.pathname);
    const method = req.method ?? 'GET';
    const notFoundPath = () =>
      sendJson(
        res,
        404,
        statusBody(
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
    const onlyGet = (body: unknown) => {
      if (method !== 'GET')
        sendJson(
          res,
          405,
          statusBody('MethodNotAllowed', `method ${method} not allowed`),
        );
      else if (body === undefined) notFoundPath();
      else sendJson(res, 200, body);
    };
    switch (path.kind) {
      case 'version':
        onlyGet(versionInfo());
        return;
      case 'coreVersions':
        onlyGet(
          coreVersions(`${host}:${(server.address() as AddressInfo).port}`),
        );
        return;
      case 'groups':
        onlyGet(groupList(servedTypes));
        return;
      case 'group':
        onlyGet(apiGroupDocument(path.group, servedTypes));
        return;
      case 'resourceList':
        onlyGet(resourceList(path.group, path.version, servedTypes));
        return;
      case 'resource':
        await handleResource(req, res, url, path, method);
        return;
      default:
        notFoundPath();
        return;
    }
  }

  async function handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: ResourceRequest,
    method: string,
  ) {
    const type = findByPlural(
      path.group,
      path.version,
      path.plural,
      servedTypes,
    );
    // An unknown resource, or a cluster-scoped one under a namespace path.
    if (!type || (path.namespace && !type.namespaced)) {
      sendJson(
        res,
        404,
        statusBody(
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
      return;
    }
    const q = url.searchParams;
    const namespace = path.namespace;
    const version = path.version;
    const subresource = path.subresource;
    const methodNotAllowed = () =>
      sendJson(
        res,
        405,
        statusBody(
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        ),
      );

    if (
      subresource &&
      subresource !== 'status' &&
      !(subresource === 'log' && type.kind === 'Pod')
    ) {
      sendJson(
        res,
        404,
        statusBody(
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
      return;
    }
    if (subresource === 'status' && !type.hasStatus) {
      sendJson(
        res,
        404,
        statusBody(
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
      return;
    }

    if (!path.name) {
      if (method === 'GET') {
        const watch =
          path.legacyWatch ||
          q.get('watch') === 'true' ||
          q.get('watch') === '1';
        if (watch) {
          streamWatch(req, res, type, version, namespace, q);
          return;
        }
        sendList(req, res, type, version, namespace, q);
        return;
      }
      if (method === 'POST') {
        const body = parseBody(
          await readBody(req),
          req.headers['content-type'],
        ) as KubeObject;
        const created = store.create(type, body, { namespace });
        sendJson(res, 201, atVersion(created, type, version));
        return;
      }
      methodNotAllowed();
      return;
    }

    if (subresource === 'log') {
      if (method !== 'GET') {
        methodNotAllowed();
        return;
      }
      const text = readPodLog(store, namespace ?? '', path.name, q);
      res.writeHead(200, {
        'Content-Type': 'text/plain',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }

    const writeOptions =
      subresource === 'status' ? { subresource: 'status' as const } : {};
    switch (method) {
      case 'GET':
        sendJson(
          res,
          200,
          atVersion(store.get(type, namespace, path.name), type, version),
        );
        return;
      case 'PUT': {
        const body = parseBody(
          await readBody(req),
          req.headers['content-type'],
        ) as KubeObject;
        if (body?.metadata?.name && body.metadata.name !== path.name) {
          throw badRequest(
            'the name of the object does not match the name on the URL',
          );
        }
        const input = {
          ...body,
          metadata: { ...(body?.metadata ?? {}), name: path.name, namespace },
        };
        sendJson(
          res,
          200,
          atVersion(store.update(type, input, writeOptions), type, version),
        );
        return;
      }
      case 'PATCH': {
        const patchType = patchTypeFromContentType(req.headers['content-type']);
        if (!patchType) {
          sendJson(
            res,
            415,
            statusBody(
              'UnsupportedMediaType',
              `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
            ),
          );
          return;
        }
        const raw = await readBody(req);
        const patch =
          patchType === 'apply'
            ? parseBody(raw, 'application/yaml')
            : parseBody(raw, 'application/json');
        sendJson(
          res,
          200,
          atVersion(
            store.patch(
              type,
              namespace,
              path.name,
              patchType,
              patch,
              writeOptions,
            ),
            type,
            version,
          ),
        );
        return;
      }
      case 'DELETE': {
        if (subresource) {
          methodNotAllowed();
          return;
        }
        const deleted = store.delete(type, namespace, path.name);
        sendJson(res, 200, atVersion(deleted, type, version));
        return;
      }
      default:
        methodNotAllowed();
        return;
    }
  }

  function sendList(
    req: IncomingMessage,
    res: ServerResponse,
    type: ResourceType,
    version: string,
    namespace: string | undefined,
    q: URLSearchParams,
  ) {
    const { items, resourceVersion } = store.list(type, {
      namespace,
      labelSelector: q.get('labelSelector'),
      fieldSelector: q.get('fieldSelector'),
    });
    const page = paginate(items, q);
    const versioned = page.items.map(o => atVersion(o, type, version));
    if (wantsTable(req.headers.accept)) {
      const table = toTable(type.kind, versioned, resourceVersion);
      return sendJson(res, 200, {
        ...table,
        metadata: {
          ...table.metadata,
          ...(page.continue ? { continue: page.continue } : {}),
        },
      });
    }
    return sendJson(res, 200, {
      kind: `${type.kind}List`,
      apiVersion: groupVersion(type.group, version),
      metadata: {
        resourceVersion,
        ...(page.continue ? { continue: page.continue } : {}),
      },
      items: versioned,
    });
  }

  function streamWatch(
    req: IncomingMessage,
    res: ServerResponse,
    type: ResourceType,
    version: string,
    namespace: string | undefined,
    q: URLSearchParams,
  ) {
    const requestedVersion = q.get('resourceVersion');
    if (requestedVersion && !/^\d+$/.test(requestedVersion)) {
      throw badRequest(`invalid resource version "${requestedVersion}"`);
    }
    const asTable = wantsTable(req.headers.accept);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const write = (event: WatchEvent) => {
      if (res.writableEnded) return;
      let object: unknown = event.object;
      if (
        asTable &&
        (event.type === 'ADDED' ||
          event.type === 'MODIFIED' ||
          event.type === 'DELETED')
      ) {
        const obj = atVersion(event.object as KubeObject, type, version);
        object = toTable(type.kind, [obj], obj.metadata.resourceVersion ?? '');
      } else if (event.type !== 'ERROR' && event.type !== 'BOOKMARK') {
        object = atVersion(event.object as KubeObject, type, version);
      }
      res.write(`${JSON.stringify({ type: event.type, object })}\n`);
    };

    let unsubscribe: () => void = () => {};
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      unsubscribe();
      timers.forEach(t => clearTimeout(t));
      openWatches.delete(finish);
      if (!res.writableEnded) res.end();
    };
    openWatches.add(finish);
    req.on('close', finish);
    res.on('close', finish);

    try {
      unsubscribe = store.watch(
        type,
        {
          namespace,
          labelSelector: q.get('labelSelector'),
          fieldSelector: q.get('fieldSelector'),
          resourceVersion: q.get('resourceVersion'),
        },
        write,
      );
    } catch (error) {
      const apiError =
        error instanceof KubeApiError ? error : badRequest(String(error));
      res.write(
        `${JSON.stringify({ type: 'ERROR', object: apiError.toStatus() })}\n`,
      );
      finish();
      return;
    }

    const timeoutSeconds = Number(
      q.get('timeoutSeconds') ?? options.defaultWatchTimeoutSeconds ?? 1800,
    );
    if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
      timers.push(setTimeout(finish, timeoutSeconds * 1000));
    }
    if (q.get('allowWatchBookmarks') === 'true') {
      const interval = setInterval(() => {
        write({
          type: 'BOOKMARK',
          object: {
            kind: type.kind,
            apiVersion: groupVersion(type.group, version),
            metadata: { resourceVersion: store.currentResourceVersion() },
          },
        });
      }, options.bookmarkIntervalMs ?? 10_000);
      timers.push(interval);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    requestCounts: () => ({ ...counts }),
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    store,
    close: () =>
      new Promise<void>(resolve => {
        [...openWatches].forEach(finish => finish());
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `limit`/`continue` over the sorted list; the token is the offset of the next item. */
function paginate(
  items: KubeObject[],
  q: URLSearchParams,
): { items: KubeObject[]; continue?: string } {
  const limit = Number(q.get('limit') ?? 0);
  let offset = 0;
  const token = q.get('continue');
  if (token) {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    if (!/^\d+$/.test(decoded)) throw badRequest('invalid continue token');
    offset = Number(decoded);
  }
  if (!Number.isInteger(limit) || limit <= 0)
    return { items: items.slice(offset) };
  const end = offset + limit;
  return {
    items: items.slice(offset, end),
    continue:
      end < items.length
        ? Buffer.from(String(end)).toString('base64')
        : undefined,
  };
}
