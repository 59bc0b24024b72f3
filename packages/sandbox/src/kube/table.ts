/** Server-side printing: meta.k8s.io/v1 Table rows as `kubectl get` shows them (pure). */
import { KubeObject } from './types';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  priority?: number;
  cell: (obj: KubeObject, now: number) => string | number;
}

/** Like kubectl's HumanDuration: 45s, 3m20s, 45m, 5h, 3d. */
export function humanAge(from: string | undefined, now: number): string {
  if (!from) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10)
    return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

const name: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  cell: o => o.metadata.name ?? '',
};
const age: Column = {
  name: 'Age',
  type: 'string',
  cell: (o, now) => humanAge(o.metadata.creationTimestamp, now),
};

function condition(o: KubeObject, type: string) {
  return (o.status?.conditions ?? []).find((c: any) => c.type === type);
}

const fluxReady: Column = {
  name: 'Ready',
  type: 'string',
  cell: o => condition(o, 'Ready')?.status ?? '',
};
const fluxStatus: Column = {
  name: 'Status',
  type: 'string',
  cell: o => condition(o, 'Ready')?.message ?? '',
};

function podStatus(o: KubeObject): string {
  for (const cs of o.status?.containerStatuses ?? []) {
    if (cs.state?.waiting?.reason) return cs.state.waiting.reason;
    if (cs.state?.terminated?.reason) return cs.state.terminated.reason;
  }
  return o.status?.phase ?? 'Pending';
}

function podRestarts(o: KubeObject): string {
  return String(
    (o.status?.containerStatuses ?? []).reduce(
      (n: number, cs: any) => n + (cs.restartCount ?? 0),
      0,
    ),
  );
}

const columnsByKind: Record<string, Column[]> = {
  Namespace: [
    name,
    { name: 'Status', type: 'string', cell: o => o.status?.phase ?? '' },
    age,
  ],
  Pod: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: o => {
        const statuses = o.status?.containerStatuses ?? [];
        return `${statuses.filter((c: any) => c.ready).length}/${
          (o.spec?.containers ?? []).length
        }`;
      },
    },
    { name: 'Status', type: 'string', cell: podStatus },
    { name: 'Restarts', type: 'string', cell: podRestarts },
    age,
    {
      name: 'IP',
      type: 'string',
      priority: 1,
      cell: o => o.status?.podIP ?? '<none>',
    },
    {
      name: 'Node',
      type: 'string',
      priority: 1,
      cell: o => o.spec?.nodeName ?? '<none>',
    },
  ],
  Deployment: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: o => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
    },
    {
      name: 'Up-to-date',
      type: 'integer',
      cell: o => o.status?.updatedReplicas ?? 0,
    },
    {
      name: 'Available',
      type: 'integer',
      cell: o => o.status?.availableReplicas ?? 0,
    },
    age,
  ],
  ReplicaSet: [
    name,
    { name: 'Desired', type: 'integer', cell: o => o.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', cell: o => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: o => o.status?.readyReplicas ?? 0 },
    age,
  ],
  Service: [
    name,
    { name: 'Type', type: 'string', cell: o => o.spec?.type ?? 'ClusterIP' },
    {
      name: 'Cluster-IP',
      type: 'string',
      cell: o => o.spec?.clusterIP ?? '<none>',
    },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    {
      name: 'Port(s)',
      type: 'string',
      cell: o =>
        (o.spec?.ports ?? [])
          .map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`)
          .join(',') || '<none>',
    },
    age,
  ],
  ConfigMap: [
    name,
    {
      name: 'Data',
      type: 'integer',
      cell: o => Object.keys(o.data ?? {}).length,
    },
    age,
  ],
  Secret: [
    name,
    { name: 'Type', type: 'string', cell: o => o.type ?? 'Opaque' },
    {
      name: 'Data',
      type: 'integer',
      cell: o => Object.keys(o.data ?? {}).length,
    },
    age,
  ],
  Event: [
    {
      name: 'Last Seen',
      type: 'string',
      cell: (o, now) =>
        humanAge(
          o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp,
          now,
        ),
    },
    { name: 'Type', type: 'string', cell: o => o.type ?? '' },
    { name: 'Reason', type: 'string', cell: o => o.reason ?? '' },
    {
      name: 'Object',
      type: 'string',
      cell: o =>
        `${(o.involvedObject?.kind ?? '').toLowerCase()}/${
          o.involvedObject?.name ?? ''
        }`,
    },
    { name: 'Message', type: 'string', cell: o => o.message ?? '' },
  ],
  Kustomization: [name, age, fluxReady, fluxStatus],
  HelmRelease: [name, age, fluxReady, fluxStatus],
  GitRepository: [
    name,
    { name: 'URL', type: 'string', cell: o => o.spec?.url ?? '' },
    age,
    fluxReady,
    fluxStatus,
  ],
  HelmRepository: [
    name,
    { name: 'URL', type: 'string', cell: o => o.spec?.url ?? '' },
    age,
    fluxReady,
    fluxStatus,
  ],
  OCIRepository: [
    name,
    { name: 'URL', type: 'string', cell: o => o.spec?.url ?? '' },
    age,
    fluxReady,
    fluxStatus,
  ],
};

export function toTable(
  kind: string,
  objects: KubeObject[],
  resourceVersion: string,
  now = Date.now(),
) {
  const columns = columnsByKind[kind] ?? [name, age];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(c => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.name,
      priority: c.priority ?? 0,
    })),
    rows: objects.map(o => ({
      cells: columns.map(c => c.cell(o, now)),
      object: o,
    })),
  };
}

/** kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` (possibly among others). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some(
      part =>
        /as=Table/.test(part) &&
        /g=meta\.k8s\.io/.test(part) &&
        /v=v1(;|$|\s)/.test(`${part};`),
    );
}
