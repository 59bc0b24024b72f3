import { LoggerService } from '@backstage/backend-plugin-api';
import { ApisApi, CustomObjectsApi, KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { ClusterProblem, classifyWatchFailure } from './clusterProblems';
import { ClusterDefinition, kubeConfigFor } from './clusters';
import { FLUX_KINDS, FluxKindSpec, groupVersionsToList, resolveServedKinds } from './fluxKinds';
import { ListWatchLoop, WatchRestartReason } from './ListWatchLoop';

export type FluxChangeType = 'add' | 'update' | 'delete';

export interface FluxChange {
  cluster: string;
  kind: string;
  type: FluxChangeType;
  object: KubeObject;
  /** When the observer received it (for detection-delay figures). */
  receivedAt: number;
}

export interface WatchStatus {
  cluster: string;
  kind: string;
  synced: boolean;
  connects: number;
  errors: number;
  /** Connections re-established, by why (see WatchRestartReason). */
  restarts: Record<WatchRestartReason, number>;
  lastError?: string;
}

interface WatchSlot {
  cluster: string;
  spec: FluxKindSpec;
  loop: ListWatchLoop;
  synced: boolean;
  connects: number;
  errors: number;
  restarts: Record<WatchRestartReason, number>;
  lastError?: string;
  /** When its list or watch started failing (cleared once it lists or watches again). */
  failingSince?: number;
  lastFailure?: unknown;
  /** Its cluster was removed: no more restarts. */
  stopped?: boolean;
  /** Its list or watch answered 404 at `spec.version`; stopped until discovery says otherwise. */
  notFound?: boolean;
}

/** The watchdog's multiple: a watch silent for this many expected intervals is re-established. */
export const WATCH_SILENCE_INTERVALS = 3;

export interface FluxObserverOptions {
  /** The clusters known at start; more come and go through addCluster and removeCluster. */
  clusters: ClusterDefinition[];
  logger: LoggerService;
  kinds?: FluxKindSpec[];
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How often a healthy watch delivers something (an event or a BOOKMARK; the
   * API server sends bookmarks to watches that ask for them, about once a
   * minute by default). A watch that delivers nothing for
   * WATCH_SILENCE_INTERVALS times this is aborted and re-established (a
   * half-open TCP connection, a proxy that stopped forwarding). Default 60 s.
   */
  watchExpectedIntervalMs?: number;
  /** `timeoutSeconds` asked of the server per watch (it then ends the watch cleanly). Default 300. */
  watchTimeoutSeconds?: number;
  /**
   * How often each cluster's served versions are discovered again (after a
   * Flux upgrade the version a kind was watched at may stop being served; a
   * 404 on a list or watch also rediscovers at once). Default 5 minutes.
   */
  rediscoverEveryMs?: number;
  /** Counts requests made to Kubernetes API servers (lists and watches). */
  onRequest?: (cluster: string, kind: string, verb: 'list' | 'watch') => void;
  /** Counts watch connections re-established, by why. */
  onWatchRestart?: (cluster: string, kind: string, reason: WatchRestartReason) => void;
}

/**
 * Keeps a live cache of Flux objects: one list+watch per cluster and kind,
 * whatever the number of entities (ListWatchLoop: relists on 410 Gone,
 * reconnects with exponential backoff after errors, and a watchdog
 * re-establishes a watch silent for WATCH_SILENCE_INTERVALS expected intervals).
 */
export class FluxObserver {
  private readonly slots = new Map<string, WatchSlot>();
  private readonly listeners = new Set<(change: FluxChange) => void>();
  /** In the order they were added: the first is the default. */
  private readonly clusters = new Map<string, ClusterDefinition>();
  /** Per cluster: the kinds at the versions it serves, and those it does not serve (with why). */
  private readonly discovered = new Map<string, { served: Map<string, FluxKindSpec>; notServed: Map<string, string> }>();
  private started = false;
  private stopped = false;
  private readonly kubeConfigs = new Map<string, KubeConfig>();
  /** Per cluster: a discovery under way, and whether another was asked for meanwhile. */
  private readonly discovering = new Map<string, { again: boolean; after404: Set<string> }>();
  private rediscoveryTimer?: NodeJS.Timeout;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly silenceLimitMs: number;

  constructor(private readonly options: FluxObserverOptions) {
    this.minBackoffMs = options.minBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.silenceLimitMs = WATCH_SILENCE_INTERVALS * (options.watchExpectedIntervalMs ?? 60_000);
    for (const cluster of options.clusters) this.clusters.set(cluster.name, cluster);
  }

  get clusterNames(): string[] {
    return [...this.clusters.keys()];
  }

  /** The cluster used for objects named without a `cluster:` prefix. */
  get defaultCluster(): string | undefined {
    return this.clusterNames[0];
  }

  resolveCluster(name: string | undefined): string | undefined {
    return name ?? this.defaultCluster;
  }

  async start(): Promise<void> {
    this.started = true;
    for (const cluster of this.clusters.values()) this.watch(cluster);
    this.rediscoveryTimer = setInterval(() => {
      for (const name of this.clusters.keys()) void this.rediscover(name);
    }, this.options.rediscoverEveryMs ?? 5 * 60_000);
    this.rediscoveryTimer.unref?.();
  }

  /** Watches one more cluster (at once when started). */
  addCluster(cluster: ClusterDefinition): void {
    if (this.clusters.has(cluster.name)) throw new Error(`Cluster "${cluster.name}" is already watched`);
    this.clusters.set(cluster.name, cluster);
    if (this.started && !this.stopped) this.watch(cluster);
  }

  /** Stops watching a cluster and forgets its objects. */
  async removeCluster(name: string): Promise<void> {
    if (!this.clusters.delete(name)) return;
    this.discovered.delete(name);
    this.kubeConfigs.delete(name);
    for (const [key, slot] of this.slots) {
      if (slot.cluster !== name) continue;
      this.slots.delete(key);
      await this.stopSlot(slot);
    }
  }

  private watch(cluster: ClusterDefinition) {
    this.kubeConfigs.set(cluster.name, kubeConfigFor(cluster));
    void this.rediscover(cluster.name);
  }

  /**
   * Discovers the versions the cluster serves and moves each watch to them:
   * a kind served at another version than it is watched at is relisted there
   * with its cache kept (objects stay readable throughout, with no
   * delete/add churn); a kind newly served is watched; a kind no longer
   * served at any version stops watching (its cache stays, unsynced). One
   * discovery per cluster at a time; one asked for meanwhile runs after it.
   */
  private async rediscover(name: string, after404?: string): Promise<void> {
    const running = this.discovering.get(name);
    if (running) {
      running.again = true;
      if (after404) running.after404.add(after404);
      return;
    }
    const state = { again: true, after404: new Set(after404 ? [after404] : []) };
    this.discovering.set(name, state);
    try {
      while (state.again) {
        state.again = false;
        const just404 = new Set(state.after404);
        state.after404.clear();
        const cluster = this.clusters.get(name);
        const kc = this.kubeConfigs.get(name);
        if (!cluster || !kc || this.stopped) return;
        const found = await this.discoverServed(name, kc, this.options.kinds ?? FLUX_KINDS);
        // The cluster may have been removed, or the observer stopped, during discovery.
        if (this.stopped || this.clusters.get(name) !== cluster) return;
        this.apply(name, kc, found, just404);
      }
    } finally {
      this.discovering.delete(name);
    }
  }

  /** `just404`: the kinds whose 404 asked for this discovery. */
  private apply(cluster: string, kc: KubeConfig, found: Discovery | undefined, just404: Set<string>) {
    const hasSlots = [...this.slots.values()].some(slot => slot.cluster === cluster);
    if (!found) {
      // `/apis` failed. At first: watch the default versions (their errors
      // show in status()); later: keep what is watched.
      if (!hasSlots) {
        this.discovered.set(cluster, { served: new Map(), notServed: new Map() });
        for (const spec of this.options.kinds ?? FLUX_KINDS) this.place(cluster, kc, spec);
      }
      return;
    }
    const previous = this.discovered.get(cluster);
    for (const spec of found.served.values()) {
      const slot = this.slots.get(slotKey(cluster, spec.kind));
      if (slot?.notFound && slot.spec.version === spec.version && just404.has(spec.kind)) {
        // Discovery still names the version that just answered 404: not
        // watched until the next scheduled discovery says otherwise.
        found.notServed.set(spec.kind, notFoundReason(spec));
        found.served.delete(spec.kind);
        continue;
      }
      this.place(cluster, kc, spec);
    }
    for (const [kind, reason] of found.notServed) {
      const slot = this.slots.get(slotKey(cluster, kind));
      if (slot?.loop.isRunning && !found.served.has(kind)) {
        this.options.logger.warn(`Cluster ${cluster} no longer serves ${kind} (${reason}); its watch stops`);
        slot.synced = false;
        void slot.loop.stop();
      }
      if (previous?.notServed.get(kind) !== reason) {
        this.options.logger.info(`Cluster ${cluster} does not serve ${kind}; not watched (${reason})`);
      }
    }
    this.discovered.set(cluster, { served: found.served, notServed: found.notServed });
  }

  /** Watches the kind at `spec`'s version: a new watch, a move to another version, or a restart. */
  private place(cluster: string, kc: KubeConfig, spec: FluxKindSpec) {
    const key = slotKey(cluster, spec.kind);
    const slot = this.slots.get(key);
    if (!slot) {
      const created = this.createSlot(cluster, kc, spec);
      this.slots.set(key, created);
      this.startSlot(created);
      return;
    }
    if (slot.stopped) return;
    if (slot.spec.version !== spec.version) {
      this.options.logger.info(
        `Cluster ${cluster} serves ${spec.kind} at ${spec.group}/${spec.version} now (was ${slot.spec.version}); moving its watch, keeping its cache`,
      );
      slot.spec = spec;
      slot.notFound = false;
      slot.loop.resync();
    } else if (!slot.loop.isRunning) {
      slot.notFound = false;
      slot.loop.resync();
    }
  }

  private async stopSlot(slot: WatchSlot) {
    slot.stopped = true;
    await slot.loop.stop().catch(() => {});
  }

  /**
   * The kinds at the versions this cluster serves (API discovery: `GET /apis`,
   * then `GET /apis/<group>/<version>` for the versions GORT can read). When
   * `/apis` fails the default versions are watched, and their errors show in
   * `status()`.
   */
  private async discoverServed(cluster: string, kc: KubeConfig, kinds: FluxKindSpec[]): Promise<Discovery | undefined> {
    try {
      const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
      const custom = kc.makeApiClient(CustomObjectsApi);
      const lists = new Map<string, string[] | undefined>();
      for (const { group, version } of groupVersionsToList(kinds, groups)) {
        const list = await custom.getAPIResources({ group, version }).catch(error => {
          this.options.logger.warn(`API discovery of ${group}/${version} failed on cluster ${cluster} (${describeError(error)})`);
          return undefined;
        });
        lists.set(`${group}/${version}`, list?.resources?.map(r => r.name));
      }
      const result = resolveServedKinds(kinds, groups, (group, version) => lists.get(`${group}/${version}`));
      return {
        served: new Map(result.served.map(spec => [spec.kind, spec])),
        notServed: new Map(result.notServed.map(({ kind, reason }) => [kind, reason])),
      };
    } catch (error) {
      this.options.logger.warn(`API discovery failed on cluster ${cluster} (${describeError(error)}); keeping the versions watched (the default ones at first)`);
      return undefined;
    }
  }

  /**
   * The kind's spec at the version this cluster serves, once discovery has
   * run; undefined before, or when the cluster does not serve the kind.
   */
  servedSpec(cluster: string, kind: string): FluxKindSpec | undefined {
    return this.slots.get(slotKey(cluster, kind))?.spec ?? this.discovered.get(cluster)?.served.get(kind);
  }

  /** Why this cluster does not serve the kind, when discovery (or a 404 on its list) says so. */
  notServed(cluster: string, kind: string): string | undefined {
    return this.discovered.get(cluster)?.notServed.get(kind);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.rediscoveryTimer);
    for (const slot of this.slots.values()) await this.stopSlot(slot);
  }

  subscribe(listener: (change: FluxChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(cluster: string, kind: string, namespace: string, name: string): KubeObject | undefined {
    const slot = this.slots.get(slotKey(cluster, kind));
    return slot?.loop.get(name, namespace) as KubeObject | undefined;
  }

  list(cluster: string, kind: string): KubeObject[] {
    const slot = this.slots.get(slotKey(cluster, kind));
    return (slot?.loop.list() ?? []) as KubeObject[];
  }

  isSynced(cluster: string, kind: string): boolean {
    return this.slots.get(slotKey(cluster, kind))?.synced ?? false;
  }

  hasCluster(cluster: string): boolean {
    return this.clusters.has(cluster);
  }

  /**
   * Why objects of `kind` cannot be read from `cluster` now, if they cannot:
   * its list or watch is failing (unreachable, 401, 403). A kind the cluster
   * does not serve is `notServed`.
   */
  clusterProblem(cluster: string, kind: string): ClusterProblem | undefined {
    const slot = this.slots.get(slotKey(cluster, kind));
    if (!slot || slot.synced || slot.failingSince === undefined) return undefined;
    return classifyWatchFailure(cluster, kind, slot.lastFailure, slot.failingSince);
  }

  status(): WatchStatus[] {
    return [...this.slots.values()].map(slot => ({
      cluster: slot.cluster,
      kind: slot.spec.kind,
      synced: slot.synced,
      connects: slot.connects,
      errors: slot.errors,
      restarts: { ...slot.restarts },
      ...(slot.lastError ? { lastError: slot.lastError } : {}),
    }));
  }

  private createSlot(cluster: string, kc: KubeConfig, spec: FluxKindSpec): WatchSlot {
    const api = kc.makeApiClient(CustomObjectsApi);
    const slot = {
      cluster,
      spec,
      synced: false,
      connects: 0,
      errors: 0,
      restarts: { closed: 0, expired: 0, error: 0, silent: 0, resync: 0 },
    } as WatchSlot;
    const emit = (type: FluxChangeType) => (object: KubernetesObject) => {
      const change: FluxChange = {
        cluster,
        kind: spec.kind,
        type,
        object: object as KubeObject,
        receivedAt: Date.now(),
      };
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (error) {
          this.options.logger.error(`Flux change listener failed: ${error}`);
        }
      }
    };
    const what = `Watch of ${spec.kind} on cluster ${cluster}`;
    // Read from the slot at each request: discovery may move it to another version.
    slot.loop = new ListWatchLoop({
      kubeConfig: kc,
      path: () => `/apis/${slot.spec.group}/${slot.spec.version}/${slot.spec.plural}`,
      list: () => api.listClusterCustomObject({ group: slot.spec.group, version: slot.spec.version, plural: slot.spec.plural }),
      minBackoffMs: this.minBackoffMs,
      maxBackoffMs: this.maxBackoffMs,
      watchTimeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
      silenceLimitMs: this.silenceLimitMs,
      onRequest: verb => {
        if (verb === 'watch') slot.connects += 1;
        this.options.onRequest?.(cluster, spec.kind, verb);
      },
      // Listed, or a watch resumed on the listed cache: current again.
      onSynced: () => {
        slot.synced = true;
        slot.failingSince = undefined;
        slot.lastFailure = undefined;
      },
      onFailure: (error, delayMs) => {
        slot.errors += 1;
        slot.synced = false;
        slot.failingSince ??= Date.now();
        slot.lastFailure = error;
        slot.lastError = describeError(error);
        this.options.logger.warn(`${what} failed (${slot.lastError}); retrying in ${delayMs} ms`);
      },
      onNotFound: error => {
        slot.errors += 1;
        slot.synced = false;
        slot.lastFailure = error;
        slot.lastError = describeError(error);
        this.notFound(slot);
      },
      onRestart: (reason, delayMs) => {
        slot.restarts[reason] += 1;
        this.options.onWatchRestart?.(cluster, spec.kind, reason);
        if (reason === 'silent') {
          this.options.logger.warn(`${what} delivered nothing for ${this.silenceLimitMs} ms; re-establishing it in ${delayMs} ms`);
        } else if (reason === 'expired') {
          this.options.logger.info(`${what}: resourceVersion expired (410 Gone); relisting`);
        } else if (reason === 'closed') {
          this.options.logger.debug(`${what} closed by the server; re-watching in ${delayMs} ms`);
        }
      },
      onAdd: emit('add'),
      onUpdate: emit('update'),
      onDelete: emit('delete'),
    });
    return slot;
  }

  private startSlot(slot: WatchSlot) {
    if (this.stopped || slot.stopped) return;
    slot.loop.start();
  }

  /**
   * The cluster answered 404 to the kind's list or watch at this version (no
   * such CRD, or a Flux upgrade stopped serving the version): not watched
   * there, and discovery runs at once to find the version it is served at now.
   */
  private notFound(slot: WatchSlot) {
    if (this.stopped || slot.stopped) return;
    slot.notFound = true;
    const reason = notFoundReason(slot.spec);
    this.discovered.get(slot.cluster)?.notServed.set(slot.spec.kind, reason);
    this.options.logger.info(`Cluster ${slot.cluster}: ${reason}; discovering its served versions again`);
    void this.rediscover(slot.cluster, slot.spec.kind);
  }
}

interface Discovery {
  served: Map<string, FluxKindSpec>;
  notServed: Map<string, string>;
}

function notFoundReason(spec: FluxKindSpec) {
  return `the cluster answered 404 to the list of ${spec.plural} at ${spec.group}/${spec.version}`;
}

function slotKey(cluster: string, kind: string) {
  return `${cluster}\u0000${kind}`;
}

function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; statusCode?: unknown };
    const parts = [e.statusCode ?? e.code, e.message].filter(Boolean);
    if (parts.length) return parts.join(' ').slice(0, 300);
  }
  return String(error).slice(0, 300);
}
