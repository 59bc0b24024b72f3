import { KubeObject } from '../kube/objects';
import { judgeHelmRelease } from './helmReleaseVerdict';
import { judgeKustomization } from './kustomizationVerdict';

/**
 * Where a watched Flux object stands with respect to one pushed commit.
 * The rule, and the controller code it follows, is described in
 * docs/architecture.md ("When has a push landed?").
 */
export type LandedVerdict =
  | { state: 'waiting_for_source'; detail: string }
  | {
      state: 'reconciling';
      detail: string;
      /**
       * generation: the controller has not reported on the current spec;
       * progress: an attempt is under way or not yet made;
       * dependency: a dependency is still progressing;
       * retry: an attempt at S failed and Flux will retry it by itself.
       */
      waitingOn: 'generation' | 'progress' | 'dependency' | 'retry';
    }
  /** `spec.suspend: true`: Flux does nothing until it is resumed. */
  | { state: 'suspended'; detail: string }
  /** No verdict is possible: the source carries no commit, or follows another ref. */
  | {
      state: 'unobservable';
      detail: string;
      because: 'source-without-commit' | 'source-not-following-branch';
    }
  /**
   * S is applied. `healthy` when the controller also waited for the objects
   * (Kustomization `wait`/`healthChecks`, Helm's wait); `applied` when it
   * only applied them.
   */
  | { state: 'succeeded'; detail: string; revision: string; health: 'healthy' | 'applied' }
  | { state: 'failed'; detail: string; reason: string; message: string };

export interface LandedInput {
  /** The watched Kustomization or HelmRelease, as read from the cluster. */
  object: KubeObject;
  /** Its source: GitRepository/OCIRepository/Bucket/ExternalArtifact, or the HelmChart/OCIRepository of a HelmRelease. */
  source?: KubeObject;
  /** The HelmChart's own source (GitRepository, Bucket, HelmRepository), when `source` is a HelmChart. */
  chartSource?: KubeObject;
  /** The objects named in `spec.dependsOn` that could be read. */
  dependencies?: KubeObject[];
  /** The pushed commit (40 hex). */
  sha: string;
  /** The branch the commit was pushed to (to tell a source that follows a tag or another branch). */
  branch?: string;
  /**
   * For a HelmRelease whose chart does not come from Git: whether the
   * HelmRelease manifest of this push has been applied (its parent
   * Kustomization reports the push as applied). Without it, such a release
   * cannot be tied to the commit and the verdict waits. `false`: a parent
   * Kustomization is known and has not applied the push yet, so what the
   * release shows is still the previous push's; undefined: no parent known.
   */
  manifestAppliedAtSha?: boolean;
}

/**
 * The design's "has this push landed?" rule for one watched object. Pure: the
 * caller reads the objects (by watch or list) and calls this on each change.
 */
export function judgeLanded(input: LandedInput): LandedVerdict {
  return input.object.kind === 'HelmRelease'
    ? judgeHelmRelease(input)
    : judgeKustomization(input);
}
