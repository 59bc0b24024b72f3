/** The Flux kinds GORT watches, at their GA API versions. */
export interface FluxKindSpec {
  kind: string;
  group: string;
  version: string;
  plural: string;
}

export const FLUX_KINDS: FluxKindSpec[] = [
  { kind: 'Kustomization', group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' },
  { kind: 'HelmRelease', group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' },
  { kind: 'GitRepository', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories' },
  { kind: 'OCIRepository', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'ocirepositories' },
  { kind: 'HelmChart', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'helmcharts' },
];

export function fluxKindSpec(kind: string): FluxKindSpec | undefined {
  return FLUX_KINDS.find(spec => spec.kind === kind);
}

export function apiVersionOf(spec: FluxKindSpec): string {
  return `${spec.group}/${spec.version}`;
}
