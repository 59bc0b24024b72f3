import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchGitHttpRoute, parseAuthorizationHeader, parseCgiHead } from './cgi';
import type { GitRepoStore, Pusher } from './GitRepoStore';
import { isolatedGitEnv } from './runGit';
import { isValidOwner, isValidRepoName } from './validation';

export interface GitHttpHandlerOptions {
  store: GitRepoStore;
  /** Whether an HTTP basic password (or token) is accepted. */
  isValidToken(token: string): boolean;
  /** Who pushes are attributed to in push events. */
  pusher: Pusher;
  /** Require credentials for clone/fetch too (GitHub allows anonymous reads of public repos). */
  requireAuthForRead?: boolean;
}

/**
 * Git smart HTTP via `git http-backend` as a CGI process. The returned
 * function answers and resolves true for git paths, and resolves false
 * (without touching the response) for every other request.
 */
export function createGitHttpHandler(options: GitHttpHandlerOptions) {
  const { store } = options;

  return async function handleGitHttp(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const route = matchGitHttpRoute(req.method ?? 'GET', url.pathname, url.searchParams);
    if (!route) return false;

    const credentials = parseAuthorizationHeader(req.headers.authorization);
    const authenticated = credentials !== undefined && options.isValidToken(credentials.password);
    const needsAuth = route.service === 'git-receive-pack' || options.requireAuthForRead;
    if ((credentials && !authenticated) || (needsAuth && !authenticated)) {
      drain(req);
      res.writeHead(401, {
        'Content-Type': 'text/plain',
        'WWW-Authenticate': 'Basic realm="GitHub"',
      });
      res.end(credentials ? 'Invalid username or password.\n' : 'Authentication required.\n');
      return true;
    }
    if (!isValidOwner(route.owner) || !isValidRepoName(route.repo) || !store.hasRepo(route.owner, route.repo)) {
      drain(req);
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Repository not found.\n');
      return true;
    }

    const remoteUser = authenticated ? credentials!.username || 'token' : '';
    const run = () => runHttpBackend(req, res, store.dataDir, `/${route.owner}/${route.repo}.git/${route.action}`, url.search.slice(1), remoteUser);
    if (route.action !== 'git-receive-pack') {
      await run();
      res.end();
      return true;
    }
    // Snapshots around the receive-pack tell which refs the push moved. The
    // response ends only after the announcement, so a client that sees its
    // push complete can rely on the push event being under way.
    try {
      await store.withRepoLock(route.owner, route.repo, async () => {
        const before = await store.listRefs(route.owner, route.repo);
        await run();
        const after = await store.listRefs(route.owner, route.repo);
        await store.announceExternalRefChanges(route.owner, route.repo, before, after, options.pusher);
      });
    } finally {
      res.end();
    }
    return true;
  };
}

function drain(req: IncomingMessage) {
  req.resume();
}

function runHttpBackend(
  req: IncomingMessage,
  res: ServerResponse,
  projectRoot: string,
  pathInfo: string,
  queryString: string,
  remoteUser: string,
): Promise<void> {
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: pathInfo,
    QUERY_STRING: queryString,
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  if (remoteUser) {
    // Authenticated users may push; `http.receivepack` is given per process, not written to repo config.
    env.REMOTE_USER = remoteUser;
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = 'http.receivepack';
    env.GIT_CONFIG_VALUE_0 = 'true';
  }

  return new Promise(resolve => {
    const child = spawn('git', ['http-backend'], { env: isolatedGitEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let pending: Buffer = Buffer.alloc(0);
    let headSent = false;
    let stderr = '';

    let failed = false;
    const fail = (message: string) => {
      if (failed) return;
      failed = true;
      if (!headSent && !res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`${message}\n`);
      } else {
        res.destroy();
      }
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (headSent) {
        res.write(chunk);
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      const head = parseCgiHead(pending);
      if (!head) return;
      headSent = true;
      for (const [name, value] of head.headers) res.setHeader(name, value);
      res.writeHead(head.status);
      const rest = pending.subarray(head.bodyOffset);
      if (rest.length > 0) res.write(rest);
      pending = Buffer.alloc(0);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', error => {
      fail(`git http-backend could not start: ${error.message}`);
      resolve();
    });
    child.on('close', code => {
      if (!headSent) fail(`git http-backend failed (${code}): ${stderr.trim()}`);
      resolve();
    });
    child.stdin.on('error', () => {
      // The backend may stop reading early (e.g. on a rejected request); its exit status reports it.
    });
    req.pipe(child.stdin);
    req.on('error', () => child.kill());
  });
}
