/** Discovery documents for /version, /api, /apis and the per-version resource lists (pure). */
import {
  groupVersion,
  RESOURCE_TYPES,
  ResourceType,
  servedGroups,
} from './resources';

const readWrite = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export function versionInfo() {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-gort-sandbox',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]) {
  const entries = versions.map(v => ({
    groupVersion: groupVersion(group, v),
    version: v,
  }));
  return { name: group, versions: entries, preferredVersion: entries[0] };
}

export function groupList(types: readonly ResourceType[] = RESOURCE_TYPES) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups(types).map(g => apiGroup(g.group, g.versions)),
  };
}

export function apiGroupDocument(
  name: string,
  types: readonly ResourceType[] = RESOURCE_TYPES,
) {
  const found = servedGroups(types).find(g => g.group === name);
  return found
    ? {
        kind: 'APIGroup',
        apiVersion: 'v1',
        ...apiGroup(found.group, found.versions),
      }
    : undefined;
}

export function resourceList(
  group: string,
  version: string,
  served: readonly ResourceType[] = RESOURCE_TYPES,
) {
  const types = served.filter(
    t => t.group === group && t.versions.includes(version),
  );
  if (types.length === 0) return undefined;
  const resources = types.flatMap(t => {
    const main = {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: readWrite,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    };
    const status = t.hasStatus
      ? [
          {
            name: `${t.plural}/status`,
            singularName: '',
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: ['get', 'patch', 'update'],
          },
        ]
      : [];
    const extra = (t.subresources ?? []).map(s => ({
      name: `${t.plural}/${s}`,
      singularName: '',
      namespaced: t.namespaced,
      kind: s === 'log' ? t.kind : t.kind,
      verbs: ['get'],
    }));
    return [main, ...status, ...extra];
  });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources,
  };
}
