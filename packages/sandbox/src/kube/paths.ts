/** Parses Kubernetes REST paths into what they address (pure). */

export type ApiPath =
  | { kind: 'version' }
  | { kind: 'coreVersions' } // /api
  | { kind: 'groups' } // /apis
  | { kind: 'group'; group: string } // /apis/<group>
  | { kind: 'resourceList'; group: string; version: string }
  | {
      kind: 'resource';
      group: string;
      version: string;
      plural: string;
      namespace?: string;
      name?: string;
      subresource?: string;
      legacyWatch: boolean;
    }
  | { kind: 'unknown' };

export function parseApiPath(pathname: string): ApiPath {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments.length === 1 && segments[0] === 'version')
    return { kind: 'version' };
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length === 1) return { kind: 'coreVersions' };
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { kind: 'groups' };
    if (segments.length === 2) return { kind: 'group', group: segments[1] };
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return { kind: 'unknown' };
  }
  if (rest.length === 0) return { kind: 'resourceList', group, version };

  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  const base = { kind: 'resource' as const, group, version, legacyWatch };
  if (rest[0] === 'namespaces' && group === '') {
    // /namespaces, /namespaces/<name>, /namespaces/<name>/status address Namespace objects.
    if (
      rest.length <= 2 ||
      (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))
    ) {
      return {
        ...base,
        plural: 'namespaces',
        name: rest[1],
        subresource: rest[2],
      };
    }
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    if (rest.length > 5) return { kind: 'unknown' };
    return {
      ...base,
      namespace: rest[1],
      plural: rest[2],
      name: rest[3],
      subresource: rest[4],
    };
  }
  if (rest.length > 3) return { kind: 'unknown' };
  return { ...base, plural: rest[0], name: rest[1], subresource: rest[2] };
}
