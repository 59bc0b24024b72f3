import { findCondition, KubeObject } from '../kube/objects';
import { conditionIsCurrent, isTrue, timeOf } from './freshness';
import { originRevisionOf, revisionMatches, revisionSha } from './revision';

/** What a source says about the pushed commit. */
export type SourceAtSha =
  /** The artifact is built from S (directly, as origin revision, or an included repository at S). */
  | { at: 'sha'; artifactRevision: string; via: 'revision' | 'origin' | 'include'; artifactTime?: number }
  /** The artifact is from another commit (older, or not yet fetched). */
  | { at: 'other'; revision?: string }
  /** The source cannot tell us about commits at all. */
  | { at: 'unobservable'; because: 'source-without-commit' | 'source-not-following-branch'; detail: string };

function kindName(source: KubeObject) {
  return `${source.kind} ${source.metadata?.namespace ? `${source.metadata.namespace}/` : ''}${source.metadata?.name}`;
}

/**
 * The ref a GitRepository follows when it is not a branch (`tag`, `semver`,
 * `name` or a fixed `commit`), or the other branch it follows: a push to
 * `branch` cannot reach such a source.
 * upstream: fluxcd/source-controller@39b711b111fa906c3db0a424e252a5d12e48646d:api/v1/gitrepository_types.go
 */
function pinnedRef(source: KubeObject, sha: string, branch: string | undefined): string | undefined {
  const ref = source.spec?.ref ?? {};
  if (typeof ref.commit === 'string' && ref.commit.length > 0) {
    return ref.commit.toLowerCase() === sha.toLowerCase() ? undefined : `commit ${ref.commit}`;
  }
  if (typeof ref.name === 'string' && ref.name.length > 0) {
    const branchRef = /^refs\/heads\/(.+)$/.exec(ref.name);
    if (!branchRef) return `ref ${ref.name}`;
    return branch && branchRef[1] !== branch ? `branch ${branchRef[1]}` : undefined;
  }
  if (typeof ref.semver === 'string' && ref.semver.length > 0) return `semver ${ref.semver}`;
  if (typeof ref.tag === 'string' && ref.tag.length > 0) return `tag ${ref.tag}`;
  if (branch && typeof ref.branch === 'string' && ref.branch.length > 0 && ref.branch !== branch) {
    return `branch ${ref.branch}`;
  }
  return undefined;
}

/** Where a Kustomization's source (or a HelmChart's) stands with respect to commit `sha`. */
export function sourceAtSha(source: KubeObject, sha: string, branch?: string): SourceAtSha {
  const artifact = source.status?.artifact;
  const revision: string | undefined = typeof artifact?.revision === 'string' ? artifact.revision : undefined;
  const artifactTime = timeOf(artifact?.lastUpdateTime);
  switch (source.kind) {
    case 'GitRepository': {
      if (revision && revisionMatches(revision, sha)) {
        return { at: 'sha', artifactRevision: revision, via: 'revision', artifactTime };
      }
      const included = Array.isArray(source.status?.includedArtifacts) ? source.status.includedArtifacts : [];
      if (revision && included.some((a: { revision?: unknown }) => revisionMatches(a?.revision, sha))) {
        return { at: 'sha', artifactRevision: revision, via: 'include', artifactTime };
      }
      const pinned = pinnedRef(source, sha, branch);
      if (pinned) {
        return {
          at: 'unobservable',
          because: 'source-not-following-branch',
          detail: `${kindName(source)} follows ${pinned}${branch ? `, not branch ${branch}` : ''}: this push cannot reach it`,
        };
      }
      return { at: 'other', revision };
    }
    case 'OCIRepository': {
      const origin = originRevisionOf(source);
      if (origin !== undefined && revisionMatches(origin, sha) && revision) {
        return { at: 'sha', artifactRevision: revision, via: 'origin', artifactTime };
      }
      if (artifact && origin === undefined) {
        return {
          at: 'unobservable',
          because: 'source-without-commit',
          detail: `${kindName(source)} serves ${revision ?? 'an artifact'} without the org.opencontainers.image.revision annotation (push it with \`flux push artifact --revision\`): no commit can be matched`,
        };
      }
      return { at: 'other', revision: origin ?? revision };
    }
    case 'Bucket':
    case 'ExternalArtifact':
      return {
        at: 'unobservable',
        because: 'source-without-commit',
        detail: `${kindName(source)} artifacts carry no Git commit, so GORT cannot tell when a push has landed`,
      };
    default:
      return { at: 'other', revision };
  }
}

/** Short form of a revision for messages. */
export function shortRevision(revision: unknown): string {
  const sha = revisionSha(revision);
  if (sha) return sha.slice(0, 7);
  return typeof revision === 'string' && revision ? revision : 'none';
}

/** A source's own terminal failure (Stalled=True for its current spec). */
export function sourceStalled(source: KubeObject) {
  const stalled = findCondition(source, 'Stalled');
  return isTrue(stalled) && conditionIsCurrent(source, stalled) ? stalled : undefined;
}
