/**
 * kustomize-controller's Kustomization behaviour: fetch the source artifact, build, substitute,
 * apply, prune and wait for health, with the controller's conditions, messages and events. A new
 * revision during a health check cancels the wait and starts over (superseded attempt).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { KubeStore } from '../kube/store';
import { findByKind } from '../kube/resources';
import { KubeObject } from '../kube/types';
import {
  ApplyError,
  applyAllStaged,
  changeSetLog,
  ChangeSetEntry,
  formatObject,
  inventoryId,
  ObjectRef,
  parseInventoryEntry,
  pruneStale,
  refOf,
} from './apply';
import { getCondition, statusWithGenerations } from './conditions';
import { formatGoDuration, parseGoDuration } from './duration';
import { recordEvent } from './events';
import { extractCommit, extractTarGz } from './git';
import {
  GIT_REPOSITORY,
  REQUESTED_AT,
  ResolveRepoDir,
} from './gitRepositoryReconciler';
import { objectHealth } from './health';
import {
  OCI_REPOSITORY,
  ociArtifactContent,
  ResolveRegistry,
} from './ociRepositoryReconciler';
import { BuildError, kustomizeBuild } from './kustomizeBuild';
import {
  FailureReason,
  KUSTOMIZATION,
  markFailed,
  markProgressing,
  markReconcilingMessage,
  markSucceeded,
} from './kustomizationStatus';
import { substituteVariables, SubstitutionError } from './substitute';

export interface KustomizationReconcilerOptions {
  resolveRepoDir: ResolveRepoDir;
  /** Health checks wait at most min(spec.timeout, this); default 20s so failures show up fast. */
  healthCheckCapMs?: number;
  /** Requeue delay after DependencyNotReady or a missing artifact; default 5s. */
  dependencyRequeueMs?: number;
  /** Flux's StrictPostBuildSubstitutions feature gate; default true. */
  strictSubstitutions?: boolean;
  /** Path to kubectl for kustomize; null forces the built-in minimal builder. */
  kubectlPath?: string | null;
  /** The sandbox OCI registry of an `oci://` host, for OCIRepository sources. */
  resolveRegistry?: ResolveRegistry;
}

interface HealthWait {
  revision: string;
  generation: number;
  requestedAt?: string;
  targets: ObjectRef[];
  startedAt: number;
  deadline: number;
  reconcileStartedAt: number;
}

interface AttemptKey {
  revision?: string;
  generation?: number;
  requestedAt?: string;
}

interface State {
  nextDueAt: number;
  lastAttempt?: AttemptKey;
  health?: HealthWait;
  waitingForDependencies?: boolean;
}

class ReconcileFailure extends Error {
  constructor(readonly reason: FailureReason, message: string) {
    super(message);
  }
}

function sourceRefOf(obj: KubeObject) {
  const ref = obj.spec?.sourceRef ?? {};
  return {
    kind: ref.kind ?? 'GitRepository',
    name: ref.name,
    namespace: ref.namespace ?? obj.metadata.namespace,
  };
}

function timeoutOf(obj: KubeObject): number {
  return (
    parseGoDuration(obj.spec?.timeout) ??
    parseGoDuration(obj.spec?.interval) ??
    300_000
  );
}

export class KustomizationReconciler {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly store: KubeStore,
    private readonly options: KustomizationReconcilerOptions,
  ) {}

  async reconcileAll(now: Date): Promise<void> {
    const live = new Set<string>();
    for (const listed of this.parentsFirst(
      this.store.list(KUSTOMIZATION).items,
    )) {
      // Read again: a parent earlier in this pass may have changed the spec.
      const obj = this.store.tryGet(
        KUSTOMIZATION,
        listed.metadata.namespace,
        listed.metadata.name!,
      );
      if (!obj) continue;
      live.add(obj.metadata.uid!);
      // kustomize-controller@186fb3b kustomization_controller.go#L184-L186: suspended, untouched.
      if (obj.spec?.suspend) continue;
      try {
        await this.reconcileOne(obj, now);
      } catch {
        // The object may have been deleted or changed meanwhile; the next tick retries.
      }
    }
    for (const uid of [...this.states.keys()])
      if (!live.has(uid)) this.states.delete(uid);
  }

  /**
   * A Kustomization that applies others (a `flux-system`-like parent) goes first in a pass: a
   * push that edits a child's spec reaches the child before the child sees the new revision,
   * as when the parent's apply wins the race of the two reconciles the source change queues.
   */
  private parentsFirst(items: KubeObject[]): KubeObject[] {
    const applied = new Set<string>();
    for (const obj of items)
      for (const entry of (obj.status?.inventory?.entries ?? []) as Array<{
        id: string;
      }>)
        if (entry.id.endsWith('_kustomize.toolkit.fluxcd.io_Kustomization'))
          applied.add(entry.id.split('_').slice(0, 2).join('/'));
    const isChild = (obj: KubeObject) =>
      applied.has(`${obj.metadata.namespace}/${obj.metadata.name}`);
    return [
      ...items.filter(o => !isChild(o)),
      ...items.filter(o => isChild(o)),
    ];
  }

  private state(obj: KubeObject): State {
    let s = this.states.get(obj.metadata.uid!);
    if (!s) {
      s = { nextDueAt: 0 };
      this.states.set(obj.metadata.uid!, s);
    }
    return s;
  }

  private source(obj: KubeObject): KubeObject | undefined {
    const ref = sourceRefOf(obj);
    if (ref.kind === 'OCIRepository')
      return this.store.tryGet(OCI_REPOSITORY, ref.namespace, ref.name);
    if (ref.kind !== 'GitRepository') return undefined;
    return this.store.tryGet(GIT_REPOSITORY, ref.namespace, ref.name);
  }

  private async reconcileOne(obj: KubeObject, now: Date) {
    const state = this.state(obj);
    const revision: string | undefined =
      this.source(obj)?.status?.artifact?.revision;
    const attempt: AttemptKey = {
      revision,
      generation: obj.metadata.generation,
      requestedAt: obj.metadata.annotations?.[REQUESTED_AT],
    };

    if (state.health) {
      const h = state.health;
      const superseded =
        (revision && revision !== h.revision) ||
        obj.metadata.generation !== h.generation ||
        attempt.requestedAt !== h.requestedAt;
      if (!superseded) {
        this.checkHealth(obj, state, now);
        return;
      }
      if (revision && revision !== h.revision)
        this.event(
          obj,
          h.revision,
          'Normal',
          'New revision detected during health check, cancelling',
          now,
        );
      state.health = undefined;
    }

    const changed =
      !state.lastAttempt ||
      state.lastAttempt.revision !== attempt.revision ||
      state.lastAttempt.generation !== attempt.generation ||
      state.lastAttempt.requestedAt !== attempt.requestedAt;
    const dependenciesNowReady =
      state.waitingForDependencies &&
      this.checkDependencies(obj, revision) === undefined;
    if (!changed && !dependenciesNowReady && now.getTime() < state.nextDueAt)
      return;
    state.lastAttempt = attempt;
    await this.reconcile(obj, state, now);
  }

  private event(
    obj: KubeObject,
    revision: string | undefined,
    type: 'Normal' | 'Warning',
    message: string,
    now: Date,
    reason?: string,
  ) {
    const current =
      this.store.tryGet(
        KUSTOMIZATION,
        obj.metadata.namespace,
        obj.metadata.name!,
      ) ?? obj;
    const eventReason =
      reason ??
      getCondition(current.status?.conditions, 'Ready')?.reason ??
      (type === 'Normal' ? 'info' : 'error');
    recordEvent(
      this.store,
      current,
      {
        type,
        reason: eventReason,
        message,
        component: 'kustomize-controller',
        ...(revision
          ? {
              annotations: { 'kustomize.toolkit.fluxcd.io/revision': revision },
            }
          : {}),
      },
      now,
    );
  }

  private writeStatus(
    obj: KubeObject,
    change: (current: KubeObject) => any,
  ): KubeObject {
    return this.store.mutate(
      KUSTOMIZATION,
      obj.metadata.namespace,
      obj.metadata.name!,
      current => ({
        ...current,
        status: statusWithGenerations(current, change(current)),
      }),
      { subresource: 'status' },
    );
  }

  /** Flux's checkDependencies: exists, observed, Ready, and up to date when sharing the source. */
  private checkDependencies(
    obj: KubeObject,
    revision: string | undefined,
  ): string | undefined {
    for (const dep of (obj.spec?.dependsOn ?? []) as Array<{
      name: string;
      namespace?: string;
    }>) {
      const namespace = dep.namespace ?? obj.metadata.namespace;
      const id = `${namespace}/${dep.name}`;
      const depObj = this.store.tryGet(KUSTOMIZATION, namespace, dep.name);
      if (!depObj)
        return `dependency '${id}' not found: kustomizations.kustomize.toolkit.fluxcd.io "${dep.name}" not found`;
      if (
        !depObj.status?.conditions?.length ||
        depObj.metadata.generation !== depObj.status.observedGeneration
      )
        return `dependency '${id}' is not ready`;
      if (getCondition(depObj.status.conditions, 'Ready')?.status !== 'True')
        return `dependency '${id}' is not ready`;
      const a = sourceRefOf(obj);
      const b = sourceRefOf(depObj);
      if (
        revision &&
        a.kind === b.kind &&
        a.name === b.name &&
        a.namespace === b.namespace &&
        depObj.status.lastAppliedRevision !== revision
      ) {
        return `dependency '${id}' revision is not up to date`;
      }
    }
    return undefined;
  }

  private async reconcile(obj: KubeObject, state: State, now: Date) {
    const requeueMs = this.options.dependencyRequeueMs ?? 5_000;
    const source = this.source(obj);
    const artifact = source?.status?.artifact;
    if (!source || !artifact?.revision) {
      const ref = sourceRefOf(obj);
      const message = !source
        ? `${ref.kind}.source.toolkit.fluxcd.io "${ref.name}" not found`
        : `Source artifact not found, retrying in ${formatGoDuration(
            requeueMs,
          )}`;
      this.writeStatus(obj, current =>
        markFailed(current, 'ArtifactFailed', message, now),
      );
      state.nextDueAt = now.getTime() + requeueMs;
      return;
    }
    const revision: string = artifact.revision;

    state.waitingForDependencies = false;
    if ((obj.spec?.dependsOn ?? []).length > 0) {
      const dependencyError = this.checkDependencies(obj, revision);
      if (dependencyError) {
        this.writeStatus(obj, current =>
          markFailed(current, 'DependencyNotReady', dependencyError, now),
        );
        this.event(
          obj,
          revision,
          'Normal',
          `Dependencies do not meet ready condition, retrying in ${formatGoDuration(
            requeueMs,
          )}`,
          now,
        );
        state.nextDueAt = now.getTime() + requeueMs;
        state.waitingForDependencies = true;
        return;
      }
    }

    const startedAt = now.getTime();
    const timeout = formatGoDuration(timeoutOf(obj));
    this.writeStatus(obj, current =>
      markProgressing(
        current,
        `Fetching manifests for revision ${revision} with a timeout of ${timeout}`,
        now,
      ),
    );
    const workDir = await mkdtemp(join(tmpdir(), 'kustomization-'));
    try {
      const changeSet = await this.buildAndApply(
        obj,
        source,
        revision,
        workDir,
        timeout,
        now,
      );
      const current = this.store.get(
        KUSTOMIZATION,
        obj.metadata.namespace,
        obj.metadata.name!,
      );
      const targets = this.healthTargets(current, changeSet);
      if (targets.length > 0) {
        const message = `Running health checks for revision ${revision} with a timeout of ${timeout}`;
        this.writeStatus(obj, c => {
          const status = markReconcilingMessage(c, message, now);
          const conditions = status.conditions.filter(
            (x: any) => x.type !== 'Healthy',
          );
          conditions.push({
            type: 'Healthy',
            status: 'Unknown',
            reason: 'Progressing',
            message,
            lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          });
          return { ...status, conditions };
        });
        const cap = this.options.healthCheckCapMs ?? 20_000;
        state.health = {
          revision,
          generation: obj.metadata.generation!,
          requestedAt: obj.metadata.annotations?.[REQUESTED_AT],
          targets,
          startedAt: now.getTime(),
          deadline: now.getTime() + Math.min(timeoutOf(obj), cap),
          reconcileStartedAt: startedAt,
        };
        return;
      }
      this.succeed(obj, state, revision, undefined, startedAt, now);
    } catch (error) {
      const failure =
        error instanceof ReconcileFailure
          ? error
          : new ReconcileFailure(
              'ReconciliationFailed',
              String((error as Error)?.message ?? error),
            );
      this.fail(obj, state, revision, failure.reason, failure.message, now);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private async buildAndApply(
    obj: KubeObject,
    source: KubeObject,
    revision: string,
    workDir: string,
    timeout: string,
    now: Date,
  ): Promise<ChangeSetEntry[]> {
    if (source.kind === 'OCIRepository') {
      const content = ociArtifactContent(this.options.resolveRegistry, source);
      if (!content)
        throw new ReconcileFailure(
          'ArtifactFailed',
          `failed to download artifact, error: GET ${source.status?.artifact?.url} 404 Not Found`,
        );
      await extractTarGz(content.layer, workDir);
    } else {
      const gitDir = this.options.resolveRepoDir(source.spec?.url ?? '');
      const sha = revision.split('sha1:')[1] ?? revision.split('/').pop();
      if (!gitDir || !sha)
        throw new ReconcileFailure(
          'ArtifactFailed',
          `failed to download artifact, error: GET ${source.status?.artifact?.url} 404 Not Found`,
        );
      await extractCommit(gitDir, sha, workDir);
    }

    const dirPath = resolve(workDir, obj.spec?.path ?? './');
    if (dirPath !== workDir && !dirPath.startsWith(workDir + sep)) {
      throw new ReconcileFailure(
        'ArtifactFailed',
        `kustomization path not found: stat ${join(
          workDir,
          obj.spec?.path ?? '',
        )}: no such file or directory`,
      );
    }
    try {
      await stat(dirPath);
    } catch {
      throw new ReconcileFailure(
        'ArtifactFailed',
        `kustomization path not found: stat ${dirPath}: no such file or directory`,
      );
    }

    // lastAttemptedRevision is written only after the artifact was fetched and spec.path found
    // (kustomize-controller@186fb3b kustomization_controller.go#L366-L384): a bad path, a missing
    // artifact or a dependency not ready leave it at the previous commit.
    this.writeStatus(obj, current => ({
      ...markReconcilingMessage(
        current,
        `Building manifests for revision ${revision} with a timeout of ${timeout}`,
        now,
      ),
      lastAttemptedRevision: revision,
    }));

    let built: string;
    try {
      built = await kustomizeBuild(dirPath, {
        kubectlPath: this.options.kubectlPath,
      });
    } catch (error) {
      const message =
        error instanceof BuildError ? error.message : String(error);
      throw new ReconcileFailure(
        'BuildFailed',
        `kustomize build failed: ${message}`,
      );
    }
    const objects = await this.postBuild(obj, built);

    this.writeStatus(obj, current =>
      markReconcilingMessage(
        current,
        `Detecting drift for revision ${revision} with a timeout of ${timeout}`,
        now,
      ),
    );
    for (const o of objects) {
      if (o.kind === 'Secret' && o.sops && !obj.spec?.decryption) {
        throw new ReconcileFailure(
          'ReconciliationFailed',
          `${formatObject(
            refOf(o),
          )} is SOPS encrypted, configuring decryption is required for this secret to be reconciled`,
        );
      }
    }

    const owner = {
      ownerName: obj.metadata.name!,
      ownerNamespace: obj.metadata.namespace!,
      force: obj.spec?.force === true,
    };
    let changeSet: ChangeSetEntry[];
    try {
      changeSet = applyAllStaged(this.store, objects, owner);
    } catch (error) {
      if (error instanceof ApplyError)
        throw new ReconcileFailure(
          'ReconciliationFailed',
          `${error.message}\n${changeSetLog(error.changeSet)}`,
        );
      throw error;
    }
    const applyLog = changeSetLog(changeSet);
    if (applyLog) this.event(obj, revision, 'Normal', applyLog, now);

    const newInventory = changeSet.map(e => ({
      id: inventoryId(e.ref),
      v: e.ref.apiVersion.split('/').pop()!,
    }));
    const newIds = new Set(newInventory.map(e => e.id));
    const stale = (
      (obj.status?.inventory?.entries ?? []) as Array<{ id: string; v: string }>
    )
      .filter(e => !newIds.has(e.id))
      .map(parseInventoryEntry);
    this.writeStatus(obj, current => ({
      ...current.status,
      inventory: { entries: newInventory },
    }));
    if (obj.spec?.prune) {
      const pruned = pruneStale(this.store, stale, owner);
      if (pruned.length > 0)
        this.event(obj, revision, 'Normal', changeSetLog(pruned), now);
    }
    return changeSet;
  }

  /** targetNamespace and postBuild substitutions on each built resource. */
  private async postBuild(
    obj: KubeObject,
    built: string,
  ): Promise<KubeObject[]> {
    const docs = parseAllDocuments(built);
    const objects: KubeObject[] = [];
    for (const doc of docs) {
      if (doc.errors.length > 0)
        throw new ReconcileFailure(
          'BuildFailed',
          `kustomize build failed: ${doc.errors[0].message.split('\n')[0]}`,
        );
      const value = doc.toJS();
      if (!value) continue;
      if (!value.apiVersion || !value.kind || !value.metadata?.name) {
        throw new ReconcileFailure(
          'BuildFailed',
          `failed to decode Kubernetes apiVersion, kind and name from: ${JSON.stringify(
            value,
          )}`,
        );
      }
      objects.push(value);
    }
    const targetNamespace = obj.spec?.targetNamespace;
    if (targetNamespace) {
      for (const o of objects) {
        const type = findByKind(o.apiVersion, o.kind);
        if (!type || type.namespaced) o.metadata.namespace = targetNamespace;
      }
    }
    const postBuild = obj.spec?.postBuild;
    if (!postBuild) return objects;
    const vars = this.substitutionVariables(obj);
    return objects.map(o => {
      const skip =
        o.metadata?.annotations?.['kustomize.toolkit.fluxcd.io/substitute'] ===
          'disabled' ||
        o.metadata?.labels?.['kustomize.toolkit.fluxcd.io/substitute'] ===
          'disabled';
      if (skip) return o;
      try {
        const text = substituteVariables(
          stringify(o),
          vars,
          this.options.strictSubstitutions ?? true,
        );
        return parseAllDocuments(text)[0].toJS() as KubeObject;
      } catch (error) {
        const message =
          error instanceof SubstitutionError ? error.message : String(error);
        throw new ReconcileFailure(
          'BuildFailed',
          `post build failed for '${o.metadata.name}': ${message}`,
        );
      }
    });
  }

  private substitutionVariables(obj: KubeObject): Record<string, string> {
    const vars: Record<string, string> = {};
    for (const from of (obj.spec?.postBuild?.substituteFrom ?? []) as Array<{
      kind: string;
      name: string;
      optional?: boolean;
    }>) {
      const ref =
        from.kind === 'Secret'
          ? { apiVersion: 'v1', kind: 'Secret' }
          : { apiVersion: 'v1', kind: 'ConfigMap' };
      const source = this.store.tryGet(ref, obj.metadata.namespace, from.name);
      if (!source) {
        if (from.optional) continue;
        throw new ReconcileFailure(
          'BuildFailed',
          `post build failed for '${obj.metadata.name}': substitute from '${
            from.kind
          }/${from.name}' error: ${
            from.kind === 'Secret' ? 'secrets' : 'configmaps'
          } "${from.name}" not found`,
        );
      }
      for (const [k, v] of Object.entries(source.data ?? {})) {
        vars[k] =
          from.kind === 'Secret'
            ? Buffer.from(String(v), 'base64').toString('utf8')
            : String(v);
      }
    }
    Object.assign(vars, obj.spec?.postBuild?.substitute ?? {});
    return vars;
  }

  private healthTargets(
    obj: KubeObject,
    changeSet: ChangeSetEntry[],
  ): ObjectRef[] {
    const self = (r: ObjectRef) =>
      r.kind === 'Kustomization' &&
      r.name === obj.metadata.name &&
      r.namespace === obj.metadata.namespace;
    if (obj.spec?.wait) return changeSet.map(e => e.ref).filter(r => !self(r));
    return ((obj.spec?.healthChecks ?? []) as any[])
      .map(h => ({
        apiVersion: h.apiVersion ?? '',
        kind: h.kind,
        name: h.name,
        namespace: h.namespace ?? obj.metadata.namespace,
      }))
      .filter(r => !self(r));
  }

  private checkHealth(obj: KubeObject, state: State, now: Date) {
    const h = state.health!;
    const results = h.targets.map(ref => {
      const type = findByKind(ref.apiVersion, ref.kind);
      const live = type
        ? this.store.tryGet(type, ref.namespace, ref.name)
        : undefined;
      return { ref, status: objectHealth(live) };
    });
    const elapsed = formatGoDuration(now.getTime() - h.startedAt);
    const describe = (list: typeof results) =>
      `[${list
        .map(r => `${formatObject(r.ref)} status: '${r.status}'`)
        .join(', ')}]`;
    const stalled = results.filter(r => r.status === 'Failed');
    if (stalled.length > 0) {
      const inner = `failed early due to stalled resources: ${describe(
        stalled,
      )}`;
      state.health = undefined;
      this.fail(
        obj,
        state,
        h.revision,
        'HealthCheckFailed',
        `health check failed after ${elapsed}: ${inner}`,
        now,
        inner,
      );
      return;
    }
    if (results.every(r => r.status === 'Current')) {
      state.health = undefined;
      const message = `Health check passed in ${elapsed}`;
      const wasHealthy =
        getCondition(obj.status?.conditions, 'Healthy')?.status === 'True';
      if (!wasHealthy) this.event(obj, h.revision, 'Normal', message, now);
      this.succeed(obj, state, h.revision, message, h.reconcileStartedAt, now);
      return;
    }
    if (now.getTime() >= h.deadline) {
      const inner = `timeout waiting for: ${describe(
        results.filter(r => r.status !== 'Current'),
      )}`;
      state.health = undefined;
      this.fail(
        obj,
        state,
        h.revision,
        'HealthCheckFailed',
        `health check failed after ${elapsed}: ${inner}`,
        now,
        inner,
      );
    }
  }

  private succeed(
    obj: KubeObject,
    state: State,
    revision: string,
    healthMessage: string | undefined,
    startedAt: number,
    now: Date,
  ) {
    const interval = parseGoDuration(obj.spec?.interval) ?? 600_000;
    // The origin revision of an OCI artifact (`flux push artifact --revision`) is mirrored in
    // lastAppliedOriginRevision (kustomize-controller@186fb3b kustomization_controller.go#L535,
    // #L1421-L1428; constants.go#L20).
    const originRevision: string | undefined =
      this.source(obj)?.status?.artifact?.metadata?.[
        'org.opencontainers.image.revision'
      ];
    this.writeStatus(obj, current =>
      markSucceeded(current, revision, healthMessage, now, originRevision),
    );
    this.event(
      obj,
      revision,
      'Normal',
      `Reconciliation finished in ${formatGoDuration(
        now.getTime() - startedAt,
      )}, next run in ${formatGoDuration(interval)}`,
      now,
      'ReconciliationSucceeded',
    );
    state.nextDueAt = now.getTime() + interval;
  }

  private fail(
    obj: KubeObject,
    state: State,
    revision: string,
    reason: FailureReason,
    message: string,
    now: Date,
    healthyMessage?: string,
  ) {
    const retry =
      parseGoDuration(obj.spec?.retryInterval) ??
      parseGoDuration(obj.spec?.interval) ??
      600_000;
    this.writeStatus(obj, current =>
      markFailed(current, reason, message, now, healthyMessage),
    );
    this.event(obj, revision, 'Warning', message, now, reason);
    state.nextDueAt = now.getTime() + retry;
  }
}
