import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  EntityGortStatus,
  EntityGortStatusList,
  FluxObjectStatus,
  formatWatchedObject,
  Watcher,
} from '@gort-backstage/plugin-gort-common';
import { fluxObjectState, revisionSha } from '@gort-backstage/plugin-gort-node';
import { RunStore } from '../database/RunStore';
import { WatcherStore } from '../database/WatcherStore';
import { FluxObjectLookup, sourceLocationOf } from '../runs/judgeRunObject';
import { watcherSkipReason } from '../runs/PushIngestion';
import { RunLifecycle } from '../runs/RunLifecycle';

/** Live Flux state of an entity's objects, and runs started by hand. */
export class GortStatusService {
  constructor(
    private readonly deps: {
      watcherStore: WatcherStore;
      runStore: RunStore;
      lookup: FluxObjectLookup;
      defaultTimeoutMs: number;
      lifecycle?: RunLifecycle;
    },
  ) {}

  private async watcher(entityRef: string): Promise<Watcher> {
    const watcher = await this.deps.watcherStore.get(entityRef);
    if (!watcher) {
      throw new NotFoundError(
        `${entityRef} is not followed by GORT: it needs the gort.io/flux-app annotation (the catalog is re-read every few seconds)`,
      );
    }
    return watcher;
  }

  objectStatuses(watcher: Watcher): FluxObjectStatus[] {
    const { lookup } = this.deps;
    return watcher.objects.map(watched => {
      const cluster = lookup.resolveCluster(watched.cluster);
      const base = {
        object: formatWatchedObject(watched),
        ...(cluster ? { cluster } : {}),
        kind: watched.kind,
        namespace: watched.namespace,
        name: watched.name,
      };
      if (!cluster || !lookup.hasCluster(cluster)) {
        return {
          ...base,
          state: 'unknown' as const,
          message: watched.cluster ? `cluster "${watched.cluster}" is not configured for GORT` : 'no cluster is configured for GORT',
          observedGenerationCurrent: false,
        };
      }
      const notServed = lookup.notServed?.(cluster, watched.kind);
      if (notServed) {
        return {
          ...base,
          cluster,
          state: 'unknown' as const,
          message: `cluster ${cluster} does not serve ${watched.kind}: ${notServed}`,
          observedGenerationCurrent: false,
        };
      }
      const object = lookup.get(cluster, watched.kind, watched.namespace, watched.name);
      const problem = lookup.clusterProblem?.(cluster, watched.kind);
      if (problem) {
        // What the cache holds is stale: say why instead of showing it as live.
        return { ...base, state: 'unknown' as const, reason: problem.kind, message: problem.message, observedGenerationCurrent: false };
      }
      const { state, reason, message } = fluxObjectState(object);
      const ready = (object?.status?.conditions ?? []).find((c: any) => c?.type === 'Ready');
      const sourceLocation = object ? sourceLocationOf(cluster, object) : undefined;
      const source = sourceLocation
        ? lookup.get(cluster, sourceLocation.kind, sourceLocation.namespace, sourceLocation.name)
        : undefined;
      const sourceReady = (source?.status?.conditions ?? []).find((c: any) => c?.type === 'Ready');
      const generation = object?.metadata?.generation;
      return {
        ...base,
        state: !object && !lookup.isSynced(cluster, watched.kind) ? ('unknown' as const) : state,
        ...(reason ? { reason } : {}),
        ...(message ? { message } : {}),
        ...(object?.status?.lastAppliedRevision ? { lastAppliedRevision: object.status.lastAppliedRevision } : {}),
        ...(object?.status?.lastAttemptedRevision ? { lastAttemptedRevision: String(object.status.lastAttemptedRevision) } : {}),
        ...(ready?.lastTransitionTime ? { lastTransitionTime: ready.lastTransitionTime } : {}),
        observedGenerationCurrent:
          Boolean(object) && (typeof generation !== 'number' || object?.status?.observedGeneration >= generation),
        ...(sourceLocation
          ? {
              source: {
                kind: sourceLocation.kind,
                namespace: sourceLocation.namespace,
                name: sourceLocation.name,
                ...(source?.status?.artifact?.revision ? { revision: source.status.artifact.revision } : {}),
                ...(sourceReady ? { ready: sourceReady.status === 'True' } : {}),
                ...(sourceReady?.status === 'False' && sourceReady.message ? { message: sourceReady.message } : {}),
              },
            }
          : {}),
      };
    });
  }

  async entityStatus(entityRef: string): Promise<EntityGortStatus> {
    const watcher = await this.watcher(entityRef);
    const latest = await this.deps.runStore.listRuns({ entityRef, limit: 1 });
    return {
      entityRef,
      watcher,
      objects: this.objectStatuses(watcher),
      ...(latest.items[0] ? { latestRun: latest.items[0] } : {}),
    };
  }

  /** Every followed entity with its live state and latest run (org-wide page). */
  async allStatuses(): Promise<EntityGortStatusList> {
    const [watchers, latestRuns] = await Promise.all([
      this.deps.watcherStore.list(),
      this.deps.runStore.latestRunPerEntity(),
    ]);
    return {
      items: watchers.map(watcher => {
        const latestRun = latestRuns.get(watcher.entityRef);
        return {
          entityRef: watcher.entityRef,
          watcher,
          objects: this.objectStatuses(watcher),
          ...(latestRun ? { latestRun } : {}),
        };
      }),
    };
  }

  /** Starts a run against the revision the entity's source serves now. */
  async startManualRun(entityRef: string): Promise<{ runId: string; created: boolean; sha: string }> {
    const watcher = await this.watcher(entityRef);
    const skip = watcherSkipReason(watcher);
    if (skip) throw new ConflictError(`Cannot run GORT for ${entityRef}: ${skip}`);
    if (!watcher.targetRepo) throw new ConflictError(`Cannot run GORT for ${entityRef}: no target repository`);
    const statuses = this.objectStatuses(watcher);
    const withRevision = statuses.find(s => revisionSha(s.source?.revision));
    const sha = revisionSha(withRevision?.source?.revision);
    if (!sha || !withRevision?.source?.revision) {
      throw new ConflictError(
        `Cannot run GORT for ${entityRef}: no source of ${statuses.map(s => s.object).join(', ')} reports a Git revision yet`,
      );
    }
    const branch = watcher.branch ?? withRevision.source.revision.match(/^(.+)@sha1:/)?.[1] ?? 'main';
    const result = await this.deps.runStore.createRun({
      entityRef,
      objects: watcher.objects,
      repo: `${watcher.targetRepo.owner}/${watcher.targetRepo.repo}`,
      branch,
      sha,
      trigger: 'manual',
      timeoutMs: watcher.reconcileTimeoutMs ?? this.deps.defaultTimeoutMs,
    });
    if (result.created) {
      this.deps.lifecycle?.runCreated({ runId: result.runId, entityRef, trigger: 'manual', createdAt: result.createdAt, superseded: result.superseded });
    }
    return { runId: result.runId, created: result.created, sha };
  }
}
