import { createInterface } from 'node:readline';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import fetch from 'node-fetch';

/**
 * Why a watch connection was re-established:
 * - `closed`: the server ended it cleanly (its `timeoutSeconds`, a restart);
 * - `expired`: 410 Gone (resourceVersion too old): the cache is relisted;
 * - `error`: the list or watch failed (reset, refused, 5xx, 401/403);
 * - `silent`: the watchdog aborted a connection that delivered nothing
 *   (no event, no bookmark, no close) for longer than the silence limit;
 * - `resync`: the owner asked for a fresh list (the kind moved to another
 *   served version).
 */
export type WatchRestartReason = 'closed' | 'expired' | 'error' | 'silent' | 'resync';

export interface ListResult {
  items?: KubernetesObject[];
  metadata?: { resourceVersion?: string };
}

export interface ListWatchLoopOptions {
  kubeConfig: KubeConfig;
  /**
   * The collection, e.g. `/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations`;
   * read at each connection, so the owner can move it to another version (then `resync()`).
   */
  path: () => string;
  list: () => Promise<ListResult>;
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Asked of the server per watch; it ends the watch cleanly by then. */
  watchTimeoutSeconds: number;
  /** A connection silent for longer than this is aborted and re-established. */
  silenceLimitMs: number;
  /** The cache was listed, or a watch resumed on a listed cache: it is current. */
  onSynced: () => void;
  /** The list or watch failed (the loop retries after `delayMs`). */
  onFailure: (error: unknown, delayMs: number) => void;
  /** A list or watch answered 404: the loop has stopped; the owner decides what next. */
  onNotFound: (error: unknown) => void;
  onRestart: (reason: WatchRestartReason, delayMs: number) => void;
  onRequest: (verb: 'list' | 'watch') => void;
  onAdd: (object: KubernetesObject) => void;
  onUpdate: (object: KubernetesObject) => void;
  onDelete: (object: KubernetesObject) => void;
  now?: () => number;
}

interface Connection {
  controller: AbortController;
  lastActivity: number;
  /** Aborted by the watchdog or for a resync, not by a failure. */
  interrupted?: 'silent' | 'resync';
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; code?: unknown; body?: { code?: unknown } } | undefined;
  for (const v of [e?.statusCode, e?.code, e?.body?.code]) if (typeof v === 'number') return v;
  return undefined;
}

/**
 * One list+watch of one collection, with its object cache: the informer
 * pattern of the API concepts page ("Efficient detection of changes": list,
 * then watch from the list's resourceVersion; a 410 Gone means the version
 * left the server's history window, so list again).
 * upstream: https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 *
 * One async loop owns every (re)connection, so a restart is started exactly
 * once whatever mix of error, close and abort ends a connection: each
 * connection settles once (the first of body error, body close, readline
 * close, abort), and only the loop starts the next. This replaces
 * @kubernetes/client-node's ListWatch, whose reconnection was split between
 * itself (it re-watches at once after a clean close, without backoff) and the
 * caller (it only emits `error` after a failure), and whose Watch sets a 30 s
 * timeout signal and then overwrites it with its own abort signal, so a
 * connection that never answers or goes silent is never given up
 * (kubernetes-client/javascript 1.4.0 dist/watch.js, `requestInit.signal =
 * controller.signal`).
 */
export class ListWatchLoop {
  private objects = new Map<string, Map<string, KubernetesObject>>();
  private resourceVersion = '';
  private stopped = true;
  private connection?: Connection;
  private backoffMs: number;
  private sleeping?: { timer: NodeJS.Timeout; wake: () => void };
  private watchdog?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: ListWatchLoopOptions) {
    this.backoffMs = options.minBackoffMs;
    this.now = options.now ?? Date.now;
  }

  get(name: string, namespace?: string): KubernetesObject | undefined {
    return this.objects.get(namespace ?? '')?.get(name);
  }

  list(): KubernetesObject[] {
    return [...this.objects.values()].flatMap(ns => [...ns.values()]);
  }

  latestResourceVersion(): string {
    return this.resourceVersion;
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const check = Math.max(10, Math.floor(this.options.silenceLimitMs / 4));
    this.watchdog = setInterval(() => this.checkSilence(), check);
    this.watchdog.unref?.();
    // A previous run may still be winding down (stop() during a list): never two at once.
    const previous = this.running ?? Promise.resolve();
    this.running = previous.then(() => this.run());
  }

  /**
   * Lists again (at the current `path()`) and watches from there, keeping the
   * cache: objects the new list has are replaced in place (no delete/add
   * churn), those it lacks are deleted. Starts the loop if it had stopped.
   */
  resync(): void {
    this.resourceVersion = '';
    if (this.stopped) {
      this.start();
      return;
    }
    this.interrupt('resync');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    this.connection?.controller.abort();
    this.wake();
    await this.running;
  }

  private interrupt(why: 'silent' | 'resync') {
    if (this.connection && !this.connection.interrupted) {
      this.connection.interrupted = why;
      this.connection.controller.abort();
    }
    if (why === 'resync') this.wake();
  }

  private wake() {
    if (!this.sleeping) return;
    clearTimeout(this.sleeping.timer);
    this.sleeping.wake();
  }

  private checkSilence() {
    const connection = this.connection;
    if (!connection || connection.interrupted) return;
    if (this.now() - connection.lastActivity > this.options.silenceLimitMs) this.interrupt('silent');
  }

  private async sleep(ms: number) {
    if (ms <= 0 || this.stopped) return;
    await new Promise<void>(resolve => {
      const timer = setTimeout(() => {
        this.sleeping = undefined;
        resolve();
      }, ms);
      this.sleeping = {
        timer,
        wake: () => {
          this.sleeping = undefined;
          resolve();
        },
      };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let reason: WatchRestartReason;
      let delay: number;
      try {
        if (!this.resourceVersion) await this.relist();
        // stop() may have come during the list, when there was no connection to abort.
        if (this.stopped) break;
        const ended = await this.watchOnce();
        if (ended.productive) this.backoffMs = this.options.minBackoffMs;
        reason = ended.reason;
        // A clean close of a productive connection (the server's timeout) is
        // re-watched at once; one that delivered nothing (a server or proxy
        // that closes at once) waits, so it cannot become a busy loop.
        if (ended.reason === 'silent') delay = this.options.minBackoffMs;
        else if (ended.reason === 'expired' || ended.reason === 'resync' || ended.productive) delay = 0;
        else delay = this.nextBackoff();
      } catch (error) {
        if (this.stopped) break;
        const status = statusOf(error);
        if (status === 410) {
          this.resourceVersion = '';
          reason = 'expired';
          delay = 0;
        } else if (status === 404) {
          this.stopped = true;
          clearInterval(this.watchdog);
          this.options.onNotFound(error);
          break;
        } else {
          reason = 'error';
          delay = this.nextBackoff();
          this.options.onFailure(error, delay);
        }
      }
      if (this.stopped) break;
      this.options.onRestart(reason, delay);
      await this.sleep(delay);
    }
  }

  private nextBackoff(): number {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
    return delay;
  }

  private async relist() {
    this.options.onRequest('list');
    const list = await this.options.list();
    const fresh = new Map<string, Map<string, KubernetesObject>>();
    for (const item of list.items ?? []) {
      const ns = item.metadata?.namespace ?? '';
      if (!fresh.has(ns)) fresh.set(ns, new Map());
      fresh.get(ns)!.set(item.metadata?.name ?? '', item);
    }
    for (const [ns, objects] of this.objects) {
      for (const [name, object] of objects) {
        if (!fresh.get(ns)?.has(name)) {
          objects.delete(name);
          this.options.onDelete(object);
        }
      }
      if (objects.size === 0) this.objects.delete(ns);
    }
    for (const item of list.items ?? []) this.upsert(item);
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.options.onSynced();
  }

  private upsert(object: KubernetesObject) {
    const ns = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    if (!this.objects.has(ns)) this.objects.set(ns, new Map());
    const objects = this.objects.get(ns)!;
    const known = objects.get(name);
    objects.set(name, object);
    if (!known) this.options.onAdd(object);
    else if (known.metadata?.resourceVersion === undefined || known.metadata.resourceVersion !== object.metadata?.resourceVersion) {
      this.options.onUpdate(object);
    }
  }

  private remove(object: KubernetesObject) {
    const ns = object.metadata?.namespace ?? '';
    const objects = this.objects.get(ns);
    const known = objects?.get(object.metadata?.name ?? '');
    if (!objects || !known) return;
    objects.delete(object.metadata?.name ?? '');
    if (objects.size === 0) this.objects.delete(ns);
    this.options.onDelete(object);
  }

  /**
   * One watch connection, from the current resourceVersion. Resolves when the
   * server ends it, on a 410 ERROR event, or when the watchdog aborts it;
   * rejects on a failure (non-200 answer, reset, abort by stop()).
   */
  private async watchOnce(): Promise<{ reason: Exclude<WatchRestartReason, 'error'>; productive: boolean }> {
    const { kubeConfig } = this.options;
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('No current cluster in the kubeconfig');
    const url = new URL(cluster.server.replace(/\/$/, '') + this.options.path());
    url.searchParams.set('watch', 'true');
    if (this.resourceVersion) url.searchParams.set('resourceVersion', this.resourceVersion);
    url.searchParams.set('allowWatchBookmarks', 'true');
    url.searchParams.set('timeoutSeconds', String(this.options.watchTimeoutSeconds));
    const connection: Connection = { controller: new AbortController(), lastActivity: this.now() };
    this.connection = connection;
    if (this.stopped) connection.controller.abort();
    const startedAt = this.now();
    try {
      const init = (await kubeConfig.applyToFetchOptions({})) as Parameters<typeof fetch>[1] & object;
      init.method = 'GET';
      init.signal = connection.controller.signal as NonNullable<Parameters<typeof fetch>[1]>['signal'];
      this.options.onRequest('watch');
      let response: Awaited<ReturnType<typeof fetch>>;
      try {
        response = await fetch(url.toString(), init);
      } catch (error) {
        if (connection.interrupted && !this.stopped) return { reason: connection.interrupted, productive: false };
        throw error;
      }
      if (response.status !== 200) {
        const text = await response.text().catch(() => '');
        let message = response.statusText || `HTTP ${response.status}`;
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {
          // not a Status object
        }
        throw new HttpError(response.status, message);
      }
      connection.lastActivity = this.now();
      // The watch resumed on a listed cache: it is current again (a reconnect
      // at the same resourceVersion does not list, so this is where a failed
      // watch counts as synced again).
      this.options.onSynced();
      return await this.readEvents(response.body, connection, startedAt);
    } finally {
      if (this.connection === connection) this.connection = undefined;
      connection.controller.abort();
    }
  }

  private readEvents(
    body: NodeJS.ReadableStream,
    connection: Connection,
    startedAt: number,
  ): Promise<{ reason: Exclude<WatchRestartReason, 'error'>; productive: boolean }> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let events = 0;
      let expired = false;
      let failure: Error | undefined;
      const lines = createInterface({ input: body as NodeJS.ReadableStream & { fd?: number } as never });
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        lines.close();
        const productive = events > 0 || this.now() - startedAt >= this.options.maxBackoffMs;
        if (expired) resolve({ reason: 'expired', productive: true });
        else if (connection.interrupted && !this.stopped) resolve({ reason: connection.interrupted, productive });
        else if (failure) reject(failure);
        else if (error) reject(error);
        else resolve({ reason: 'closed', productive });
      };
      lines.on('line', line => {
        if (settled || !line.trim()) return;
        let event: { type?: string; object?: KubernetesObject & { code?: number; message?: string } };
        try {
          event = JSON.parse(line);
        } catch {
          return; // a torn line (the connection broke mid-event): the close settles it
        }
        connection.lastActivity = this.now();
        events += 1;
        const object = event.object;
        switch (event.type) {
          case 'ADDED':
          case 'MODIFIED':
            if (object) this.upsert(object);
            break;
          case 'DELETED':
            if (object) this.remove(object);
            break;
          case 'BOOKMARK':
            break;
          case 'ERROR':
            // A Status: 410 means the resourceVersion is too old (relist);
            // anything else is a failure of this watch.
            if (object?.code === 410) {
              this.resourceVersion = '';
              expired = true;
            } else {
              failure = new HttpError(object?.code ?? 500, object?.message ?? 'watch ERROR event');
            }
            settle();
            return;
          default:
            return;
        }
        const rv = object?.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
      });
      lines.on('close', () => settle());
      lines.on('error', error => settle(error));
      body.on('error', error => settle(error));
      body.on('close', () => settle());
      body.on('end', () => settle());
      // Settled by our own signal too: node-fetch forwards an abort to the
      // body only while the response is unread, and not at all once it ended.
      const signal = connection.controller.signal;
      if (signal.aborted) settle(new Error('The watch was aborted'));
      else signal.addEventListener('abort', () => settle(new Error('The watch was aborted')), { once: true });
    });
  }
}
