/**
 * Minimal typed views of the Kubernetes and Flux objects GORT reads.
 * Inputs come from clusters or files and are untrusted, so every field is
 * optional and read through the accessors below.
 */

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ kind?: string; name?: string }>;
}

export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

export interface KubeEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  regarding?: { kind?: string; name?: string; namespace?: string };
  note?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
}

export const KUSTOMIZATION_KIND = 'Kustomization';
export const HELM_RELEASE_KIND = 'HelmRelease';
export const SOURCE_KINDS: ReadonlySet<string> = new Set([
  'GitRepository',
  'OCIRepository',
  'HelmRepository',
  'HelmChart',
  'Bucket',
]);
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
]);

const FLUX_GROUP_SUFFIX = '.toolkit.fluxcd.io';

export function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const candidate = value as KubeObject;
  return (
    typeof candidate.kind === 'string' &&
    typeof candidate.metadata === 'object' &&
    candidate.metadata !== null &&
    typeof candidate.metadata.name === 'string'
  );
}

/** A Flux object is recognised by its API group, or by kind when apiVersion is missing. */
export function isFluxObject(obj: KubeObject): boolean {
  const group = (obj.apiVersion ?? '').split('/')[0];
  if (group.endsWith(FLUX_GROUP_SUFFIX)) {
    return true;
  }
  if (obj.apiVersion) {
    return false;
  }
  return (
    obj.kind === KUSTOMIZATION_KIND ||
    obj.kind === HELM_RELEASE_KIND ||
    SOURCE_KINDS.has(obj.kind ?? '')
  );
}

export function isSourceObject(obj: KubeObject): boolean {
  return isFluxObject(obj) && SOURCE_KINDS.has(obj.kind ?? '');
}

export function isWorkload(obj: KubeObject): boolean {
  return WORKLOAD_KINDS.has(obj.kind ?? '') && !isFluxObject(obj);
}

export function isEvent(obj: KubeObject): obj is KubeEvent {
  return obj.kind === 'Event';
}

export function isPod(obj: KubeObject): boolean {
  return obj.kind === 'Pod';
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function formatRef(
  kind: string,
  namespace: string | undefined,
  name: string,
): string {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

export function objectRef(obj: KubeObject): string {
  return formatRef(
    obj.kind ?? 'Unknown',
    obj.metadata?.namespace,
    obj.metadata?.name ?? '',
  );
}

export interface ParsedRef {
  kind?: string;
  namespace?: string;
  name: string;
}

/** Parses `Kind/namespace/name`, `Kind/name`, `namespace/name` (when kind is implied) or `name`. */
export function parseRef(text: string, impliedKind?: string): ParsedRef {
  const parts = text.trim().split('/');
  if (parts.length >= 3) {
    return {
      kind: parts[0],
      namespace: parts[1],
      name: parts.slice(2).join('/'),
    };
  }
  if (parts.length === 2) {
    if (impliedKind) {
      return { kind: impliedKind, namespace: parts[0], name: parts[1] };
    }
    return /^[A-Z]/.test(parts[0])
      ? { kind: parts[0], name: parts[1] }
      : { namespace: parts[0], name: parts[1] };
  }
  return { kind: impliedKind, name: parts[0] };
}

export function matchesRef(obj: KubeObject, ref: ParsedRef): boolean {
  if (obj.metadata?.name !== ref.name) return false;
  if (ref.kind && obj.kind !== ref.kind) return false;
  if (ref.namespace && (obj.metadata?.namespace ?? '') !== ref.namespace)
    return false;
  return true;
}

export function conditionsOf(obj: KubeObject): Condition[] {
  const conditions = obj.status?.conditions;
  return Array.isArray(conditions)
    ? conditions.filter(
        (c): c is Condition => typeof c === 'object' && c !== null,
      )
    : [];
}

export function findCondition(
  obj: KubeObject,
  type: string,
): Condition | undefined {
  return conditionsOf(obj).find(c => c.type === type);
}

/** The source a Kustomization or HelmChart reads from (namespace defaults to the object's). */
export function sourceRefOf(obj: KubeObject): ParsedRef | undefined {
  const ref =
    obj.kind === HELM_RELEASE_KIND ? obj.spec?.chartRef : obj.spec?.sourceRef;
  if (!ref || typeof ref.name !== 'string') return undefined;
  return {
    kind: typeof ref.kind === 'string' ? ref.kind : undefined,
    namespace:
      typeof ref.namespace === 'string'
        ? ref.namespace
        : obj.metadata?.namespace,
    name: ref.name,
  };
}

/**
 * The HelmChart a HelmRelease uses: `status.helmChart` ("ns/name") when set,
 * otherwise the name helm-controller gives it (`<release ns>-<release name>`
 * in the namespace of the chart's source).
 */
export function helmChartRefOf(release: KubeObject): ParsedRef | undefined {
  if (release.kind !== HELM_RELEASE_KIND) return undefined;
  const fromStatus = release.status?.helmChart;
  if (typeof fromStatus === 'string' && fromStatus.includes('/')) {
    return parseRef(fromStatus, 'HelmChart');
  }
  const chartSpec = release.spec?.chart?.spec;
  if (!chartSpec) return undefined;
  const ns = release.metadata?.namespace;
  return {
    kind: 'HelmChart',
    namespace: chartSpec.sourceRef?.namespace ?? ns,
    name: `${ns}-${release.metadata?.name}`,
  };
}

export function dependsOnOf(obj: KubeObject): ParsedRef[] {
  const deps = obj.spec?.dependsOn;
  if (!Array.isArray(deps)) return [];
  return deps
    .filter(d => d && typeof d.name === 'string')
    .map(d => ({
      kind: obj.kind,
      namespace:
        typeof d.namespace === 'string' ? d.namespace : obj.metadata?.namespace,
      name: d.name as string,
    }));
}

export function eventMessage(event: KubeEvent): string {
  return String(event.message ?? event.note ?? '');
}

/** Whether the event's involved object (core/v1) or regarding object (events/v1) is `obj`. */
export function eventConcerns(event: KubeEvent, obj: KubeObject): boolean {
  const target = event.involvedObject ?? event.regarding;
  if (!target || target.name !== obj.metadata?.name) return false;
  if (target.kind && target.kind !== obj.kind) return false;
  const namespace = obj.metadata?.namespace;
  const eventNs = target.namespace ?? event.metadata?.namespace;
  return !namespace || !eventNs || eventNs === namespace;
}

export function eventTarget(event: KubeEvent) {
  return event.involvedObject ?? event.regarding;
}
