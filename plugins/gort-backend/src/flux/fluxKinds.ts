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

/** The controller that serves each Flux API group (for the reason a kind is not served). */
const CONTROLLER_OF: Record<string, string> = {
  'kustomize.toolkit.fluxcd.io': 'kustomize-controller',
  'helm.toolkit.fluxcd.io': 'helm-controller',
  'source.toolkit.fluxcd.io': 'source-controller',
};

export interface ServedKinds {
  /** The kinds this cluster serves, each at the newest version it serves them at. */
  served: FluxKindSpec[];
  /** The kinds it does not serve at any version GORT reads, with a plain reason. */
  notServed: Array<{ kind: string; reason: string }>;
}

/**
 * The group versions discovery must list (`GET /apis/<group>/<version>`,
 * APIResourceList) to place `kinds`: those of each kind's versions that the
 * cluster's APIGroupList has.
 */
export function groupVersionsToList(kinds: FluxKindSpec[], served: ServedGroups): Array<{ group: string; version: string }> {
  const wanted = new Map<string, { group: string; version: string }>();
  for (const spec of kinds) {
    const group = served.groups?.find(g => g.name === spec.group);
    const versions = new Set((group?.versions ?? []).map(v => v.version));
    for (const version of spec.versions ?? [spec.version]) {
      if (versions.has(version)) wanted.set(`${spec.group}/${version}`, { group: spec.group, version });
    }
  }
  return [...wanted.values()];
}

/**
 * Where each kind is served. A group version serves a kind when its resource
 * list names the kind's plural: a group's versions are not enough, as Flux
 * adds kinds to a group over time (source.toolkit.fluxcd.io/v1 holds
 * GitRepository from Flux 2.0, HelmChart from 2.3, OCIRepository only from
 * 2.6; before that OCIRepository is v1beta2 only).
 * upstream: https://kubernetes.io/docs/reference/using-api/api-concepts/#discovery-api
 *
 * `resourcesOf` gives the resource names of a group version, or undefined when
 * it could not be listed; then the group's version list decides, as before.
 */
export function resolveServedKinds(
  kinds: FluxKindSpec[],
  served: ServedGroups,
  resourcesOf: (group: string, version: string) => string[] | undefined,
): ServedKinds {
  const result: ServedKinds = { served: [], notServed: [] };
  for (const spec of kinds) {
    const group = served.groups?.find(g => g.name === spec.group);
    const groupVersions = new Set((group?.versions ?? []).map(v => v.version));
    const candidates = spec.versions ?? [spec.version];
    const version = candidates.find(v => {
      if (!groupVersions.has(v)) return false;
      const resources = resourcesOf(spec.group, v);
      return resources === undefined || resources.includes(spec.plural);
    });
    if (version) {
      result.served.push({ ...spec, version });
      continue;
    }
    const controller = CONTROLLER_OF[spec.group] ?? 'its controller';
    result.notServed.push({
      kind: spec.kind,
      reason: group
        ? `the cluster serves ${spec.group} (${[...groupVersions].join(', ')}) but not ${spec.kind} at ${candidates.join(' or ')}: ` +
          `its ${controller} or its CRDs are too old or too new for GORT`
        : `the cluster does not serve the ${spec.group} API: ${controller} is not installed`,
    });
  }
  return result;
}

/**
 * The spec at the newest version this cluster serves, or undefined when the
 * kind's group or every known version is missing (the kind is then not watched).
 * Decides from the group's versions only; `resolveServedKinds` also reads the
 * resource lists.
 */
export function servedSpec(spec: FluxKindSpec, served: ServedGroups): FluxKindSpec | undefined {
  return resolveServedKinds([spec], served, () => undefined).served[0];
}

/** The versions each cluster serves (the FluxObserver's discovery). */
export interface ServedVersions {
  servedSpec(cluster: string, kind: string): FluxKindSpec | undefined;
  notServed(cluster: string, kind: string): string | undefined;
}

/**
 * The spec to read or patch a kind with on one cluster: the served version
 * once discovery has run, the newest known version before (or without
 * discovery), undefined for a kind GORT does not know or the cluster does not serve.
 */
export function specFor(served: ServedVersions | undefined, cluster: string, kind: string): FluxKindSpec | undefined {
  if (served?.notServed(cluster, kind)) return undefined;
  return served?.servedSpec(cluster, kind) ?? fluxKindSpec(kind);
}
