import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ApisApi,
  CustomObjectsApi,
  Informer,
  KubeConfig,
  KubernetesObject,
  makeInformer,
  ObjectCache,
} from '@kubernetes/client-node';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { ClusterProblem, classifyWatchFailure } from './clusterProblems';
import { ClusterDefinition, kubeConfigFor } from './clusters';
import { FLUX_KINDS, FluxKindSpec, groupVersionsToList, resolveServedKinds } from './fluxKinds';

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
  lastError?: string;
}

interface WatchSlot {
  cluster: string;
  spec: FluxKindSpec;
  informer: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  synced: boolean;
  connects: number;
  errors: number;
  lastError?: string;
  backoffMs: number;
  /** When its list or watch started failing (cleared by a successful list). */
  failingSince?: number;
  lastFailure?: unknown;
  restartTimer?: NodeJS.Timeout;
  /** Its cluster was removed: no more restarts. */
  stopped?: boolean;
}

export interface FluxObserverOptions {
  /** The clusters known at start; more come and go through addCluster and removeCluster. */
  clusters: ClusterDefinition[];
  logger: LoggerService;
  kinds?: FluxKindSpec[];
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Counts requests made to Kubernetes API servers (lists and watches). */
  onRequest?: (cluster: string, kind: string, verb: 'list' | 'watch') => void;
}

/**
 * Keeps a live cache of Flux objects: one list+watch (informer) per cluster
 * and kind, whatever the number of entities. Relists on 410 Gone (done by the
 * informer) and reconnects with exponential backoff after errors.
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
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: FluxObserverOptions) {
    this.minBackoffMs = options.minBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
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
    for (const [key, slot] of this.slots) {
      if (slot.cluster !== name) continue;
      this.slots.delete(key);
      await this.stopSlot(slot);
    }
  }

  private watch(cluster: ClusterDefinition) {
    const kc = kubeConfigFor(cluster);
    void this.discoverServed(cluster.name, kc, this.options.kinds ?? FLUX_KINDS).then(specs => {
      // The cluster may have been removed, or the observer stopped, during discovery.
      if (this.stopped || this.clusters.get(cluster.name) !== cluster) return;
      for (const spec of specs) {
        const slot = this.createSlot(cluster.name, kc, spec);
        this.slots.set(slotKey(cluster.name, spec.kind), slot);
        this.startSlot(slot);
      }
    });
  }

  private async stopSlot(slot: WatchSlot) {
    slot.stopped = true;
    clearTimeout(slot.restartTimer);
    await slot.informer.stop().catch(() => {});
  }

  /**
   * The kinds at the versions this cluster serves (API discovery: `GET /apis`,
   * then `GET /apis/<group>/<version>` for the versions GORT can read). When
   * `/apis` fails the default versions are watched, and their errors show in
   * `status()`.
   */
  private async discoverServed(cluster: string, kc: KubeConfig, kinds: FluxKindSpec[]): Promise<FluxKindSpec[]> {
    const record = { served: new Map<string, FluxKindSpec>(), notServed: new Map<string, string>() };
    this.discovered.set(cluster, record);
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
      for (const spec of result.served) record.served.set(spec.kind, spec);
      for (const { kind, reason } of result.notServed) {
        record.notServed.set(kind, reason);
        this.options.logger.info(`Cluster ${cluster} does not serve ${kind}; not watched (${reason})`);
      }
      return result.served;
    } catch (error) {
      this.options.logger.warn(`API discovery failed on cluster ${cluster} (${describeError(error)}); watching the default versions`);
      return kinds;
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
    for (const slot of this.slots.values()) await this.stopSlot(slot);
  }

  subscribe(listener: (change: FluxChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(cluster: string, kind: string, namespace: string, name: string): KubeObject | undefined {
    const slot = this.slots.get(slotKey(cluster, kind));
    return slot?.informer.get(name, namespace) as KubeObject | undefined;
  }

  list(cluster: string, kind: string): KubeObject[] {
    const slot = this.slots.get(slotKey(cluster, kind));
    return (slot?.informer.list() ?? []) as KubeObject[];
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
      ...(slot.lastError ? { lastError: slot.lastError } : {}),
    }));
  }

  private createSlot(cluster: string, kc: KubeConfig, spec: FluxKindSpec): WatchSlot {
    const api = kc.makeApiClient(CustomObjectsApi);
    const path = `/apis/${spec.group}/${spec.version}/${spec.plural}`;
    // The informer is set below; its list function needs the slot.
    const slot = {
      cluster,
      spec,
      synced: false,
      connects: 0,
      errors: 0,
      backoffMs: this.minBackoffMs,
    } as WatchSlot;
    // client-node's informer emits `connect` before it lists, and its start()
    // resolves even when the list failed: only a listed cache counts as synced.
    const list = async () => {
      this.options.onRequest?.(cluster, spec.kind, 'list');
      const result = await api.listClusterCustomObject({
        group: spec.group,
        version: spec.version,
        plural: spec.plural,
      });
      // the informer calls list() only after `slot` below exists
      /* eslint-disable @typescript-eslint/no-use-before-define */
      slot.synced = true;
      slot.backoffMs = this.minBackoffMs;
      slot.failingSince = undefined;
      slot.lastFailure = undefined;
      /* eslint-enable @typescript-eslint/no-use-before-define */
      return result;
    };
    const informer = makeInformer<KubernetesObject>(kc, path, list);
    slot.informer = informer;
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
    informer.on('add', emit('add'));
    informer.on('update', emit('update'));
    informer.on('delete', emit('delete'));
    informer.on('connect', () => {
      slot.connects += 1;
      this.options.onRequest?.(cluster, spec.kind, 'watch');
    });
    informer.on('error', (error: unknown) => {
      slot.errors += 1;
      slot.synced = false;
      slot.failingSince ??= Date.now();
      slot.lastFailure = error;
      slot.lastError = describeError(error);
      this.scheduleRestart(slot);
    });
    return slot;
  }

  private startSlot(slot: WatchSlot) {
    slot.informer.start().then(
      () => {},
      error => {
        slot.errors += 1;
        slot.synced = false;
        slot.failingSince ??= Date.now();
        slot.lastFailure = error;
        slot.lastError = describeError(error);
        this.scheduleRestart(slot);
      },
    );
  }

  private scheduleRestart(slot: WatchSlot) {
    if (this.stopped || slot.stopped || slot.restartTimer) return;
    if (/^404\b/.test(slot.lastError ?? '')) {
      // The cluster serves the group but not this resource (e.g. no ExternalArtifact CRD): not watched.
      const reason = `the cluster answered 404 to the list of ${slot.spec.plural} at ${slot.spec.group}/${slot.spec.version}`;
      this.discovered.get(slot.cluster)?.notServed.set(slot.spec.kind, reason);
      this.options.logger.info(`Cluster ${slot.cluster} does not serve ${slot.spec.kind}; not watched (${reason})`);
      return;
    }
    const delay = slot.backoffMs;
    slot.backoffMs = Math.min(slot.backoffMs * 2, this.maxBackoffMs);
    this.options.logger.warn(
      `Watch of ${slot.spec.kind} on cluster ${slot.cluster} failed (${slot.lastError}); retrying in ${delay} ms`,
    );
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!this.stopped && !slot.stopped) this.startSlot(slot);
    }, delay);
    slot.restartTimer.unref?.();
  }
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
