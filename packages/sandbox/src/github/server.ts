import { randomBytes } from 'node:crypto';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createGitHttpHandler, GitRepoStore, RefUpdateEvent } from '../git';
import { parseAuthorizationHeader } from '../git/cgi';
import { ApiHandler, ApiServices, SandboxUser, toHttpError } from './apiContext';
import { AppAuthority, JwtRejected, looksLikeJwt, Principal, SandboxGitHubApp } from './appAuth';
import {
  badCredentials,
  GitHubHttpError,
  notFound,
  problem,
  problemsParsingJson,
  requiresAuthentication,
} from './httpErrors';
import { isPushableRef, pushPayloadFor } from './pushEvents';
import { RateLimiter, RateLimitSimulation } from './rateLimit';
import { toGitHubTime } from './representations';
import { Router } from './router';
import { registerAppRoutes } from './routes/apps';
import { registerCheckRoutes } from './routes/checks';
import { registerCompareRoutes } from './routes/compare';
import { registerContentRoutes } from './routes/contents';
import { registerGitDataRoutes } from './routes/gitData';
import { registerHookDeliveryRoutes } from './routes/hookDeliveries';
import { registerIssueRoutes } from './routes/issues';
import { registerPullRoutes } from './routes/pulls';
import { registerCommitRoutes, registerRepositoryRoutes } from './routes/repositories';
import { registerSandboxControlRoutes, SandboxControl } from './routes/sandboxControl';
import { GitHubStateStore } from './stateStore';
import { DelayedRequest, DelayPhase, ResponseDelay, ResponseDelays } from '../responseDelays';
import { WebhookConfig, WebhookDeliverer, WebhookDelivery } from './webhooks/WebhookDeliverer';

export interface GitHubServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The one accepted token (`Authorization: token|Bearer <token>`, or the basic-auth password for git). */
  token: string;
  store: GitRepoStore;
  webhook?: WebhookConfig;
  /** Public URL when it differs from `http://host:port` (e.g. behind a proxy). */
  baseUrl?: string;
  /** The identity behind the token. */
  user?: Partial<SandboxUser>;
  /** Defaults to `<store.dataDir>/github-state.json`. */
  stateFile?: string;
  /** Delays between webhook retries; their count is the number of retries. */
  webhookRetryDelaysMs?: number[];
  maxBodyBytes?: number;
  /** Accounts the sandbox's GitHub App is installed on (default: none). */
  appInstalledOn?: string[];
}

export interface GitHubServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Makes the next `count` API requests fail with a primary or secondary rate-limit response. */
  simulateRateLimit(simulation: RateLimitSimulation): void;
  deliveries(): WebhookDelivery[];
  /** Sends a recorded delivery again with the same `X-GitHub-Delivery` id. */
  redeliver(deliveryId: string): Promise<WebhookDelivery>;
  /** Resolves when every push event so far has been delivered (or given up on). */
  waitForDeliveries(): Promise<void>;
  setWebhook(webhook: WebhookConfig | undefined): void;
  /**
   * Answers matching REST requests late or not at all until reset (after
   * doing their work: a hung answer to `POST …/pulls` has created the pull
   * request, as when a connection drops after GitHub acted); `undefined` resets.
   */
  setResponseDelay(delay: ResponseDelay | undefined, matches?: (request: DelayedRequest) => boolean, phase?: DelayPhase): void;
  /** REST requests hanging now (see setResponseDelay). */
  hangingRequests(): number;
  /** The GitHub App (its id and private key go into `integrations.github[].apps`). */
  app: SandboxGitHubApp;
  /** Installs the app on an account, or removes it (revoking its installation tokens). */
  setAppInstalled(account: string, installed: boolean): void;
}

const DEFAULT_USER: SandboxUser = {
  login: 'gort-sandbox',
  name: 'GORT Sandbox',
  email: 'gort-sandbox@users.noreply.sandbox.invalid',
};
const DEFAULT_MAX_BODY = 50 * 1024 * 1024;

function buildRouter(control: SandboxControl): Router<ApiHandler> {
  const router = new Router<ApiHandler>();
  registerSandboxControlRoutes(router, control);
  registerAppRoutes(router);
  registerCheckRoutes(router);
  registerRepositoryRoutes(router);
  registerContentRoutes(router);
  registerGitDataRoutes(router);
  registerCompareRoutes(router);
  registerPullRoutes(router);
  registerIssueRoutes(router);
  registerCommitRoutes(router);
  registerHookDeliveryRoutes(router, control);
  return router;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(problem(413, 'Request body too large'));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function requestId(): string {
  const hex = randomBytes(10).toString('hex').toUpperCase();
  return `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 14)}:${hex.slice(14, 20)}`;
}

export async function startGitHubServer(options: GitHubServerOptions): Promise<GitHubServer> {
  const host = options.host ?? '127.0.0.1';
  const user: SandboxUser = { ...DEFAULT_USER, ...options.user };
  const state = new GitHubStateStore(options.stateFile ?? path.join(options.store.dataDir, 'github-state.json'));
  const rateLimiter = new RateLimiter();
  const deliverer = new WebhookDeliverer(options.webhook, { retryDelaysMs: options.webhookRetryDelaysMs });
  const pushedAt = new Map<string, string>();
  const apps = new AppAuthority({ installedOn: options.appInstalledOn ?? [] });
  /** The personal token, or an unexpired installation token (git takes it as `x-access-token:<token>`). */
  const isValidToken = (candidate: string) => candidate === options.token || apps.installationFor(candidate) !== undefined;
  const principalFor = (candidate: string): Principal | undefined => {
    if (candidate === options.token) return { kind: 'user' };
    const installation = apps.installationFor(candidate);
    if (installation) return installation;
    if (looksLikeJwt(candidate)) return apps.verifyJwt(candidate);
    return undefined;
  };
  const delays = new ResponseDelays();

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = (options.baseUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');

  const services: ApiServices = {
    base,
    store: options.store,
    state,
    user,
    apps,
    pushedAt: fullName => pushedAt.get(fullName.toLowerCase()),
  };

  // Payloads are built in event order so that deliveries leave in the order the refs moved.
  let pushPipeline: Promise<unknown> = Promise.resolve();
  const onRefUpdate = (event: RefUpdateEvent) => {
    if (event.ref.startsWith('refs/heads/')) pushedAt.set(`${event.owner}/${event.repo}`.toLowerCase(), toGitHubTime(Date.now()));
    if (!isPushableRef(event.ref) || !deliverer.configured) return;
    pushPipeline = pushPipeline
      .then(async () => {
        const payload = await pushPayloadFor(services, event);
        deliverer.send('push', payload);
      })
      .catch(() => undefined);
  };
  const unsubscribe = options.store.onRefUpdate(onRefUpdate);

  const waitForDeliveries = async () => {
    let current;
    do {
      current = pushPipeline;
      await current;
    } while (current !== pushPipeline);
    await deliverer.idle();
  };

  const control: SandboxControl = {
    simulateRateLimit: simulation => rateLimiter.simulate(simulation),
    deliveries: () => deliverer.deliveries(),
    redeliver: id => deliverer.redeliver(id),
    setWebhook: webhook => deliverer.setConfig(webhook),
    waitForDeliveries,
  };
  const router = buildRouter(control);
  const gitHttp = createGitHttpHandler({
    store: options.store,
    isValidToken,
    pusher: { name: user.login, email: user.email },
  });

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) => {
    if (res.headersSent) return;
    let payload: Buffer | undefined;
    if (Buffer.isBuffer(body)) payload = body;
    else if (body !== undefined) payload = Buffer.from(JSON.stringify(body, null, 2));
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': requestId(),
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'access-control-expose-headers':
        'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-GitHub-Request-Id',
      ...headers,
      ...(payload ? { 'content-length': String(payload.length) } : {}),
    });
    res.end(payload);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse) => {
    let rateHeaders: Record<string, string> = {};
    try {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL(req.url ?? '/', `${base}/`);
      const credentials = parseAuthorizationHeader(req.headers.authorization);
      let principal: Principal | undefined;
      if (req.headers.authorization) {
        try {
          principal = credentials ? principalFor(credentials.password) : undefined;
        } catch (rejected) {
          if (rejected instanceof JwtRejected) throw new GitHubHttpError(401, { message: rejected.message, documentation_url: 'https://docs.github.com/rest', status: '401' });
          throw rejected;
        }
        if (!principal) throw badCredentials();
        // An app JWT authenticates the app's own endpoints only.
        if (principal.kind === 'app' && !url.pathname.startsWith('/app')) throw badCredentials();
      }
      const isRead = method === 'GET' || method === 'HEAD';
      const isControl = url.pathname.startsWith('/_sandbox/');
      if (!credentials && (!isRead || isControl)) throw requiresAuthentication();
      if (!isControl) rateHeaders = rateLimiter.consume();

      const match = router.match(method === 'HEAD' ? 'GET' : method, url.pathname);
      if (match === undefined || match === 'methodNotAllowed') {
        req.resume();
        throw notFound();
      }
      // An installation reaches the repositories of the account it is installed on.
      if (principal?.kind === 'installation' && match.params.owner && match.params.owner.toLowerCase() !== principal.account.toLowerCase()) {
        req.resume();
        throw notFound();
      }
      const raw = await readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY);
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw problemsParsingJson();
        }
      }
      if (!isControl) await delays.wait({ method, path: url.pathname }, 'before');
      if (res.destroyed) return;
      const response = await match.handler({ method, url, params: match.params, body, headers: req.headers, principal }, services);
      if (!isControl) await delays.wait({ method, path: url.pathname }, 'after');
      send(res, response.status, response.body, { ...rateHeaders, ...response.headers });
    } catch (caught) {
      const error = toHttpError(caught);
      if (error instanceof GitHubHttpError) {
        send(res, error.status, error.body, { ...rateHeaders, ...error.headers });
      } else {
        send(res, 500, { message: 'Server Error', detail: String((error as Error)?.message ?? error) }, rateHeaders);
      }
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    gitHttp(req, res)
      .then(handled => (handled ? undefined : handleApi(req, res)))
      .catch(error => {
        if (!res.headersSent) send(res, 500, { message: 'Server Error', detail: String(error?.message ?? error) }, {});
        else res.destroy();
      });
  });

  return {
    url: base,
    port,
    simulateRateLimit: control.simulateRateLimit,
    deliveries: control.deliveries,
    redeliver: control.redeliver,
    setWebhook: control.setWebhook,
    waitForDeliveries,
    setResponseDelay: (delay, matches, phase) => delays.set(delay, matches, phase),
    hangingRequests: () => delays.hangingCount,
    app: apps.app,
    setAppInstalled: (account, installed) => apps.setInstalled(account, installed),
    close: async () => {
      delays.releaseAll();
      unsubscribe();
      deliverer.stop();
      await waitForDeliveries().catch(() => undefined);
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
