import { KubeObject } from '../kube/objects';

const SHA1_AT_END = /(?:^|[@/:+])(?:sha1:)?([0-9a-f]{40})$/i;
const FULL_SHA = /^[0-9a-f]{40}$/i;

/**
 * The commit SHA at the end of a Flux revision: `main@sha1:<sha>` (Flux v2.x),
 * `main/<sha>` (older source-controller), `sha1:<sha>` or a bare SHA.
 */
export function revisionSha(revision: unknown): string | undefined {
  if (typeof revision !== 'string' || revision.length > 512) {
    return undefined;
  }
  const match = SHA1_AT_END.exec(revision.trim());
  return match ? match[1].toLowerCase() : undefined;
}

/** True when a Flux revision names exactly the commit `sha`. */
export function revisionMatches(revision: unknown, sha: string): boolean {
  return FULL_SHA.test(sha) && revisionSha(revision) === sha.toLowerCase();
}

/** `<hex>` or `<hex>.<n>` after the `+` of a chart version. */
const CHART_BUILD = /^([0-9a-f]{7,40})(?:\.(\d+))?$/i;

/**
 * True when a Helm chart version carries the commit, as source-controller
 * writes it for a chart built from Git with `reconcileStrategy: Revision`:
 * `6.5.0+<first 12 hex of the sha>`, or `6.5.0+<12 hex>.<HelmChart generation>`
 * when `valuesFiles` are merged in.
 * upstream: fluxcd/source-controller@39b711b111fa906c3db0a424e252a5d12e48646d:internal/controller/helmchart_controller.go
 */
export function chartVersionMatches(version: unknown, sha: string): boolean {
  if (typeof version !== 'string' || !FULL_SHA.test(sha)) {
    return false;
  }
  const plus = version.lastIndexOf('+');
  if (plus < 0) {
    return false;
  }
  const match = CHART_BUILD.exec(version.slice(plus + 1));
  return !!match && sha.toLowerCase().startsWith(match[1].toLowerCase());
}

/** The OCI annotation `flux push artifact --revision` writes, mirrored in the artifact metadata. */
export const OCI_REVISION_ANNOTATION = 'org.opencontainers.image.revision';

/**
 * The Git revision an artifact was built from, when it says so: an
 * OCIRepository's `status.artifact.metadata["org.opencontainers.image.revision"]`.
 * upstream: fluxcd/kustomize-controller@186fb3b29138ce82ff61ba1a9370b96a3dd598fe:internal/controller/kustomization_controller.go#L1422
 */
export function originRevisionOf(source: KubeObject | undefined): string | undefined {
  const value = source?.status?.artifact?.metadata?.[OCI_REVISION_ANNOTATION];
  return typeof value === 'string' ? value : undefined;
}
