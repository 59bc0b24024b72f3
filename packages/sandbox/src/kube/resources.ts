/** The resource types this API server serves, as discovery and routing see them. */

export interface ResourceType {
  group: string; // '' for the core group
  versions: string[]; // first is the preferred (storage) version
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  hasStatus: boolean;
  /** Extra subresources beyond `status`, e.g. `log` for pods. */
  subresources?: string[];
}

const flux = ['all', 'flux'];

export const RESOURCE_TYPES: ResourceType[] = [
  {
    group: '',
    versions: ['v1'],
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    hasStatus: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    hasStatus: true,
    subresources: ['log'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
    hasStatus: false,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    hasStatus: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
    hasStatus: false,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Secret',
    plural: 'secrets',
    singular: 'secret',
    namespaced: true,
    hasStatus: false,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    shortNames: ['sa'],
    hasStatus: false,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    hasStatus: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    hasStatus: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'StatefulSet',
    plural: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    hasStatus: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'DaemonSet',
    plural: 'daemonsets',
    singular: 'daemonset',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    hasStatus: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'Job',
    plural: 'jobs',
    singular: 'job',
    namespaced: true,
    categories: ['all'],
    hasStatus: true,
  },
  {
    group: 'kustomize.toolkit.fluxcd.io',
    versions: ['v1', 'v1beta2'],
    kind: 'Kustomization',
    plural: 'kustomizations',
    singular: 'kustomization',
    namespaced: true,
    shortNames: ['ks'],
    categories: flux,
    hasStatus: true,
  },
  {
    group: 'helm.toolkit.fluxcd.io',
    versions: ['v2'],
    kind: 'HelmRelease',
    plural: 'helmreleases',
    singular: 'helmrelease',
    namespaced: true,
    shortNames: ['hr'],
    categories: flux,
    hasStatus: true,
  },
  {
    group: 'source.toolkit.fluxcd.io',
    versions: ['v1'],
    kind: 'GitRepository',
    plural: 'gitrepositories',
    singular: 'gitrepository',
    namespaced: true,
    shortNames: ['gitrepo'],
    categories: flux,
    hasStatus: true,
  },
  {
    group: 'source.toolkit.fluxcd.io',
    versions: ['v1'],
    kind: 'HelmRepository',
    plural: 'helmrepositories',
    singular: 'helmrepository',
    namespaced: true,
    shortNames: ['helmrepo'],
    categories: flux,
    hasStatus: true,
  },
  {
    group: 'source.toolkit.fluxcd.io',
    versions: ['v1'],
    kind: 'HelmChart',
    plural: 'helmcharts',
    singular: 'helmchart',
    namespaced: true,
    shortNames: ['hc'],
    categories: flux,
    hasStatus: true,
  },
  {
    group: 'source.toolkit.fluxcd.io',
    versions: ['v1', 'v1beta2'],
    kind: 'OCIRepository',
    plural: 'ocirepositories',
    singular: 'ocirepository',
    namespaced: true,
    shortNames: ['ocirepo'],
    categories: flux,
    hasStatus: true,
  },
];

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function splitApiVersion(apiVersion: string): {
  group: string;
  version: string;
} {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : {
        group: apiVersion.slice(0, slash),
        version: apiVersion.slice(slash + 1),
      };
}

export function findByPlural(
  group: string,
  version: string,
  plural: string,
  types: readonly ResourceType[] = RESOURCE_TYPES,
): ResourceType | undefined {
  return types.find(
    t =>
      t.group === group && t.plural === plural && t.versions.includes(version),
  );
}

export function findByKind(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  return RESOURCE_TYPES.find(
    t => t.group === group && t.kind === kind && t.versions.includes(version),
  );
}

/** Identifies a type for the in-process store API: `{ apiVersion, kind }` as in a manifest. */
export interface TypeRef {
  apiVersion: string;
  kind: string;
}

export function servedGroups(
  types: readonly ResourceType[] = RESOURCE_TYPES,
): Array<{ group: string; versions: string[] }> {
  const groups = new Map<string, Set<string>>();
  for (const t of types) {
    if (!t.group) continue;
    const versions = groups.get(t.group) ?? new Set<string>();
    t.versions.forEach(v => versions.add(v));
    groups.set(t.group, versions);
  }
  return [...groups].map(([group, versions]) => ({
    group,
    versions: [...versions],
  }));
}
