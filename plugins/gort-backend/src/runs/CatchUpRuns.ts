import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Watcher } from '@gort-backstage/plugin-gort-common';
import { revisionSha } from '@gort-backstage/plugin-gort-node';
import type { RunStore } from '../database/RunStore';
import type { WatcherStore } from '../database/WatcherStore';
import { FluxObjectLookup, sourceLocationOf } from './judgeRunObject';
import type { FluxChangeSource, ObservedFluxChange } from './ports';
import { watcherSkipReason } from './PushIngestion';
import type { RunLifecycle } from './RunLifecycle';

/** Sources whose artifact revision names a Git commit (`<branch>@sha1:<sha>`). */
const GIT_SOURCE_KINDS = new Set(['GitRepository']);

const keyOf = (cluster: string, kind: string, namespace: string, name: string) => `${cluster}\u0000${kind}\u0000${namespace}\u0000${name}`;

/**
 * GitHub does not redeliver a failed delivery by itself, so a push can be
 * lost. When a watched Git source moves to a commit that no run of a watcher
 * knows, this starts a run for it (trigger `catch-up`, found through Flux).
 * The first revision seen of each source after start is only remembered:
 * runs are started for moves, not for the state found at start.
 */
export class CatchUpRuns {
  private readonly lastRevision = new Map<string, string>();

  constructor(
    private readonly deps: {
      watcherStore: WatcherStore;
      runStore: RunStore;
      lookup: FluxObjectLookup;
      logger: LoggerService;
      defaultTimeoutMs: number;
      lifecycle?: RunLifecycle;
      /**
       * How long after Flux moved a push may still arrive (deliveries are
       * usually faster than Flux, not always): a run is started only for a
       * commit still unknown after this. Default 20 s.
       */
      graceMs?: number;
    },
  ) {}

  follow(source: FluxChangeSource): () => void {
    return source.subscribe(change => {
      this.onChange(change).catch(error => this.deps.logger.warn(`GORT catch-up check failed: ${error}`));
    });
  }

  /** Returns the ids of the runs it started. */
  async onChange(change: ObservedFluxChange): Promise<string[]> {
    if (!GIT_SOURCE_KINDS.has(change.kind) || change.type === 'delete') return [];
    const revision = change.object.status?.artifact?.revision;
    const sha = revisionSha(revision);
    if (!sha) return [];
    const namespace = change.object.metadata?.namespace ?? '';
    const name = change.object.metadata?.name ?? '';
    const key = keyOf(change.cluster, change.kind, namespace, name);
    const previous = this.lastRevision.get(key);
    this.lastRevision.set(key, sha);
    if (previous === undefined || previous === sha) return [];

    const branch = /^(.+)@sha1:/.exec(String(revision))?.[1];
    const graceMs = this.deps.graceMs ?? 20_000;
    if (graceMs > 0) await new Promise(resolve => setTimeout(resolve, graceMs).unref?.());
    const started: string[] = [];
    for (const watcher of await this.deps.watcherStore.list()) {
      if (!this.follows(watcher, key, change.cluster) || watcherSkipReason(watcher) || !watcher.targetRepo) continue;
      if (watcher.branch && branch && watcher.branch !== branch) continue;
      if (await this.deps.runStore.hasRunForCommit(watcher.entityRef, sha)) continue;
      const result = await this.deps.runStore.createRun({
        entityRef: watcher.entityRef,
        objects: watcher.objects,
        repo: `${watcher.targetRepo.owner}/${watcher.targetRepo.repo}`,
        branch: watcher.branch ?? branch ?? 'main',
        sha,
        trigger: 'catch-up',
        timeoutMs: watcher.reconcileTimeoutMs ?? this.deps.defaultTimeoutMs,
      });
      if (!result.created) continue;
      started.push(result.runId);
      this.deps.logger.info(
        `GORT catch-up: Flux moved ${change.kind}/${namespace}/${name} to ${sha.slice(0, 7)}, which no run of ${watcher.entityRef} knew (its push never arrived); run ${result.runId} follows it`,
      );
      this.deps.lifecycle?.runCreated({ runId: result.runId, entityRef: watcher.entityRef, trigger: 'catch-up', createdAt: result.createdAt, superseded: result.superseded });
    }
    return started;
  }

  /** Whether one of the watcher's objects reads the source `sourceKey`. */
  private follows(watcher: Watcher, sourceKey: string, cluster: string): boolean {
    const { lookup } = this.deps;
    return watcher.objects.some(watched => {
      const resolved = lookup.resolveCluster(watched.cluster);
      if (resolved !== cluster) return false;
      const object = lookup.get(resolved, watched.kind, watched.namespace, watched.name);
      const source = object ? sourceLocationOf(resolved, object) : undefined;
      return source !== undefined && keyOf(source.cluster, source.kind, source.namespace, source.name) === sourceKey;
    });
  }
}
