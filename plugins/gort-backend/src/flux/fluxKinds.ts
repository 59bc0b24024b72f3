/** The Flux kinds GORT watches, with the API versions they have been served at (newest first). */
export interface FluxKindSpec {
  kind: string;
  group: string;
  version: string;
  plural: string;
  /**
   * Versions to try, newest first: the version a cluster serves is discovered
   * at start (OCIRepository is `v1` only from Flux 2.6, HelmChart from 2.3).
   */
  versions?: string[];
}

export const FLUX_KINDS: FluxKindSpec[] = [
  { kind: 'Kustomization', group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations', versions: ['v1', 'v1beta2'] },
  { kind: 'HelmRelease', group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases', versions: ['v2', 'v2beta2', 'v2beta1'] },
  { kind: 'GitRepository', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories', versions: ['v1', 'v1beta2'] },
  { kind: 'OCIRepository', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'ocirepositories', versions: ['v1', 'v1beta2'] },
  { kind: 'HelmChart', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'helmcharts', versions: ['v1', 'v1beta2'] },
  { kind: 'HelmRepository', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'helmrepositories', versions: ['v1', 'v1beta2'] },
  { kind: 'Bucket', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'buckets', versions: ['v1', 'v1beta2'] },
  { kind: 'ExternalArtifact', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'externalartifacts', versions: ['v1'] },
];

export function fluxKindSpec(kind: string): FluxKindSpec | undefined {
  return FLUX_KINDS.find(spec => spec.kind === kind);
}

export function apiVersionOf(spec: FluxKindSpec): string {
  return `${spec.group}/${spec.version}`;
}

/** The API groups a cluster serves (`GET /apis`, APIGroupList), as far as discovery needs them. */
export interface ServedGroups {
  groups?: Array<{ name?: string; versions?: Array<{ version?: string }> }>;
}

/**
 * The spec at the newest version this cluster serves, or undefined when the
 * kind's group or every known version is missing (the kind is then not watched).
 */
export function servedSpec(spec: FluxKindSpec, served: ServedGroups): FluxKindSpec | undefined {
  const group = served.groups?.find(g => g.name === spec.group);
  const versions = new Set((group?.versions ?? []).map(v => v.version));
  const version = (spec.versions ?? [spec.version]).find(v => versions.has(v));
  return version ? { ...spec, version } : undefined;
}
