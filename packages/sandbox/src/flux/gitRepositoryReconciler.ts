/** source-controller's GitRepository behaviour: resolve the branch head and publish an artifact. */
import { createHash } from 'node:crypto';
import { KubeStore } from '../kube/store';
import { KubeObject } from '../kube/types';
import { markArtifactStored, setCondition } from './conditions';
import { parseGoDuration } from './duration';
import { recordEvent } from './events';
import { resolveBranch, treeId } from './git';

export const GIT_REPOSITORY = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
};
export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

export type ResolveRepoDir = (url: string) => string | undefined;

interface FetchOutcome {
  ok: boolean;
  revision?: string;
  digest?: string;
  subject?: string;
  reason?: 'GitOperationFailed' | 'AuthenticationFailed';
  message?: string;
}

/** The status after a fetch attempt, in source-controller's words (pure). */
export function gitRepositoryStatus(
  obj: KubeObject,
  outcome: FetchOutcome,
  now: Date,
): any {
  const status = { ...(obj.status ?? {}) };
  let conditions = status.conditions;
  if (outcome.ok) {
    const message = `stored artifact for revision '${outcome.revision}'`;
    conditions = markArtifactStored(conditions, message, now);
    const changed = status.artifact?.revision !== outcome.revision;
    const sha = outcome.revision!.split('sha1:')[1];
    status.artifact = changed
      ? {
          path: `gitrepository/${obj.metadata.namespace}/${obj.metadata.name}/${sha}.tar.gz`,
          url: `http://source-controller.flux-system.svc.cluster.local./gitrepository/${obj.metadata.namespace}/${obj.metadata.name}/${sha}.tar.gz`,
          revision: outcome.revision,
          digest: outcome.digest,
          lastUpdateTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          size: 1024,
        }
      : status.artifact;
  } else {
    conditions = setCondition(
      conditions,
      {
        type: 'FetchFailed',
        status: 'True',
        reason: outcome.reason!,
        message: outcome.message!,
      },
      now,
    );
    conditions = setCondition(
      conditions,
      {
        type: 'Ready',
        status: 'False',
        reason: outcome.reason!,
        message: outcome.message!,
      },
      now,
    );
  }
  status.conditions = conditions;
  status.observedGeneration = obj.metadata.generation;
  const requestedAt = obj.metadata.annotations?.[REQUESTED_AT];
  if (requestedAt) status.lastHandledReconcileAt = requestedAt;
  return status;
}

export class GitRepositoryReconciler {
  private readonly lastFetch = new Map<string, number>();

  constructor(
    private readonly store: KubeStore,
    private readonly resolveRepoDir: ResolveRepoDir,
  ) {}

  private isDue(obj: KubeObject, nowMs: number): boolean {
    const key = obj.metadata.uid!;
    const last = this.lastFetch.get(key);
    if (last === undefined) return true;
    if (obj.status?.observedGeneration !== obj.metadata.generation) return true;
    const requestedAt = obj.metadata.annotations?.[REQUESTED_AT];
    if (requestedAt && requestedAt !== obj.status?.lastHandledReconcileAt)
      return true;
    const interval = parseGoDuration(obj.spec?.interval) ?? 60_000;
    return nowMs - last >= interval;
  }

  async reconcileAll(now: Date): Promise<void> {
    for (const obj of this.store.list(GIT_REPOSITORY).items) {
      if (obj.spec?.suspend || !this.isDue(obj, now.getTime())) continue;
      this.lastFetch.set(obj.metadata.uid!, now.getTime());
      await this.reconcile(obj, now);
    }
  }

  private async fetch(obj: KubeObject): Promise<FetchOutcome> {
    const url: string = obj.spec?.url ?? '';
    const ref = obj.spec?.ref ?? {};
    const branch: string = ref.branch ?? 'master';
    const secretName: string | undefined = obj.spec?.secretRef?.name;
    if (
      secretName &&
      !this.store.tryGet(
        { apiVersion: 'v1', kind: 'Secret' },
        obj.metadata.namespace,
        secretName,
      )
    ) {
      return {
        ok: false,
        reason: 'AuthenticationFailed',
        message: `failed to get secret '${obj.metadata.namespace}/${secretName}': secrets "${secretName}" not found`,
      };
    }
    const gitDir = this.resolveRepoDir(url);
    const result = await resolveBranch(gitDir, branch);
    if (!result.ok) {
      const detail =
        result.error === 'repository-not-found'
          ? 'repository not found'
          : result.detail;
      return {
        ok: false,
        reason: 'GitOperationFailed',
        message: `failed to checkout and determine revision: unable to clone '${url}': ${detail}`,
      };
    }
    const tree = await treeId(gitDir!, result.sha);
    return {
      ok: true,
      revision: `${branch}@sha1:${result.sha}`,
      digest: `sha256:${createHash('sha256').update(tree).digest('hex')}`,
      subject: result.message,
    };
  }

  private async reconcile(obj: KubeObject, now: Date): Promise<void> {
    const outcome = await this.fetch(obj);
    const current = this.store.tryGet(
      GIT_REPOSITORY,
      obj.metadata.namespace,
      obj.metadata.name!,
    );
    if (!current) return;
    const previousRevision = current.status?.artifact?.revision;
    const previousReady = current.status?.conditions?.find(
      (c: any) => c.type === 'Ready',
    );
    const updated = this.store.update(
      GIT_REPOSITORY,
      { ...current, status: gitRepositoryStatus(current, outcome, now) },
      { subresource: 'status' },
    );
    if (outcome.ok && previousRevision !== outcome.revision) {
      recordEvent(
        this.store,
        updated,
        {
          type: 'Normal',
          reason: 'NewArtifact',
          message: `stored artifact for commit '${outcome.subject}'`,
          component: 'source-controller',
          annotations: {
            'source.toolkit.fluxcd.io/revision': outcome.revision!,
          },
        },
        now,
      );
    } else if (!outcome.ok && previousReady?.message !== outcome.message) {
      recordEvent(
        this.store,
        updated,
        {
          type: 'Warning',
          reason: outcome.reason!,
          message: outcome.message!,
          component: 'source-controller',
        },
        now,
      );
    }
  }
}
