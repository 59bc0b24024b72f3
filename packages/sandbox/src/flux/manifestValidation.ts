/**
 * Server-side dry-run checks for one manifest, with the API server's wording: typing against the
 * schema (BadRequest), field validation (Invalid) and immutable fields against the live object
 * (Invalid). Pure: the caller supplies the live object.
 */
import { QUANTITY_PATTERN, parseQuantity } from './quantity';
import { FieldType, SCHEMAS } from './manifestSchema';
import { splitApiVersion } from '../kube/resources';

export interface DryRunFailure {
  reason: 'BadRequest' | 'Invalid';
  message: string;
}

function describe(value: unknown): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

function listItemPath(
  path: string,
  item: unknown,
  index: number,
  key?: string[],
): string {
  if (key && item && typeof item === 'object') {
    const parts = key
      .filter(k => (item as any)[k] !== undefined)
      .map(k => `${k}=${JSON.stringify((item as any)[k])}`);
    if (parts.length > 0) return `${path}[${parts.join(',')}]`;
  }
  return `${path}[${index}]`;
}

/** Returns the structured-merge-diff error for the first mismatch, like a typed SSA patch. */
export function typeCheck(
  value: unknown,
  type: FieldType,
  path: string,
): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (type === 'any') return undefined;
  if (type === 'string')
    return typeof value === 'string'
      ? undefined
      : `${path}: expected string, got &value.valueUnstructured{Value:${JSON.stringify(
          value,
        )}}`;
  if (type === 'integer' || type === 'number') {
    if (typeof value !== 'number')
      return `${path}: expected numeric (int or float), got ${describe(value)}`;
    return type === 'integer' && !Number.isInteger(value)
      ? `${path}: expected int64, got float64`
      : undefined;
  }
  if (type === 'boolean')
    return typeof value === 'boolean'
      ? undefined
      : `${path}: expected boolean, got ${describe(value)}`;
  if (type === 'intOrString')
    return typeof value === 'string' || Number.isInteger(value)
      ? undefined
      : `${path}: expected string or int, got ${describe(value)}`;
  if (type === 'quantity') {
    return parseQuantity(value) === undefined
      ? `${path}: quantities must match the regular expression '${QUANTITY_PATTERN}'`
      : undefined;
  }
  if (type === 'stringMap' || type === 'quantityMap') {
    if (typeof value !== 'object' || Array.isArray(value))
      return `${path}: expected map, got ${describe(value)}`;
    for (const [k, v] of Object.entries(value as object)) {
      const error = typeCheck(
        v,
        type === 'stringMap' ? 'string' : 'quantity',
        `${path}.${k}`,
      );
      if (error) return error;
    }
    return undefined;
  }
  if ('list' in type) {
    if (!Array.isArray(value))
      return `${path}: expected list, got ${describe(value)}`;
    for (let i = 0; i < value.length; i++) {
      const error = typeCheck(
        value[i],
        type.list,
        listItemPath(path, value[i], i, type.key),
      );
      if (error) return error;
    }
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value))
    return `${path}: expected map, got ${describe(value)}`;
  for (const [k, v] of Object.entries(value as object)) {
    const fieldType = type.object[k];
    if (!fieldType) return `${path}.${k}: field not declared in schema`;
    const error = typeCheck(v, fieldType, `${path}.${k}`);
    if (error) return error;
  }
  return undefined;
}

/** Go's `%#v` of a string map, as validation messages print labels. */
function goStringMap(map: Record<string, string> | undefined): string {
  const entries = Object.entries(map ?? {}).map(
    ([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`,
  );
  return `map[string]string{${entries.join(', ')}}`;
}

function qualifiedKind(apiVersion: string, kind: string): string {
  const { group } = splitApiVersion(apiVersion);
  return group ? `${kind}.${group}` : kind;
}

function invalid(obj: any, causes: string[]): DryRunFailure {
  const detail = causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`;
  return {
    reason: 'Invalid',
    message: `${qualifiedKind(obj.apiVersion, obj.kind)} "${
      obj.metadata?.name
    }" is invalid: ${detail}`,
  };
}

function validatePodTemplate(spec: any, prefix: string): string[] {
  const causes: string[] = [];
  const containers: any[] = spec?.containers ?? [];
  if (containers.length === 0)
    causes.push(`${prefix}.containers: Required value`);
  containers.forEach((c, i) => {
    const at = `${prefix}.containers[${i}]`;
    if (!c?.name) causes.push(`${at}.name: Required value`);
    if (!c?.image) causes.push(`${at}.image: Required value`);
    const limit = parseQuantity(c?.resources?.limits?.memory);
    const request = parseQuantity(c?.resources?.requests?.memory);
    if (limit !== undefined && request !== undefined && request > limit) {
      causes.push(
        `${at}.resources.requests: Invalid value: "${c.resources.requests.memory}": must be less than or equal to memory limit of ${c.resources.limits.memory}`,
      );
    }
  });
  return causes;
}

function matchesSelector(
  selector: any,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(
    ([k, v]) => labels?.[k] === v,
  );
}

function validateFields(obj: any): string[] {
  const spec = obj.spec ?? {};
  switch (obj.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet': {
      const causes: string[] = [];
      if (typeof spec.replicas === 'number' && spec.replicas < 0) {
        causes.push(
          `spec.replicas: Invalid value: ${spec.replicas}: must be greater than or equal to 0`,
        );
      }
      if (!spec.selector) causes.push('spec.selector: Required value');
      else if (
        !matchesSelector(spec.selector, spec.template?.metadata?.labels)
      ) {
        causes.push(
          `spec.template.metadata.labels: Invalid value: ${goStringMap(
            spec.template?.metadata?.labels,
          )}: \`selector\` does not match template \`labels\``,
        );
      }
      return [
        ...causes,
        ...validatePodTemplate(spec.template?.spec, 'spec.template.spec'),
      ];
    }
    case 'Job': {
      const restartPolicy = spec.template?.spec?.restartPolicy ?? 'Always';
      const causes = ['OnFailure', 'Never'].includes(restartPolicy)
        ? []
        : [
            `spec.template.spec.restartPolicy: Unsupported value: "${restartPolicy}": supported values: "OnFailure", "Never"`,
          ];
      return [
        ...causes,
        ...validatePodTemplate(spec.template?.spec, 'spec.template.spec'),
      ];
    }
    case 'Service':
      return (spec.ports ?? []).flatMap((p: any, i: number) =>
        typeof p?.port === 'number' && (p.port < 1 || p.port > 65535)
          ? [
              `spec.ports[${i}].port: Invalid value: ${p.port}: must be between 1 and 65535, inclusive`,
            ]
          : [],
      );
    default:
      return [];
  }
}

function goLabelSelector(selector: any): string {
  return `v1.LabelSelector{MatchLabels:${goStringMap(
    selector?.matchLabels,
  )}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
}

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Changes the API server refuses on update. */
function immutableFieldChanges(desired: any, live: any): string[] {
  switch (desired.kind) {
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet':
      return same(desired.spec?.selector, live.spec?.selector)
        ? []
        : [
            `spec.selector: Invalid value: ${goLabelSelector(
              desired.spec?.selector,
            )}: field is immutable`,
          ];
    case 'StatefulSet': {
      const allowed = [
        'replicas',
        'template',
        'updateStrategy',
        'persistentVolumeClaimRetentionPolicy',
        'minReadySeconds',
        'ordinals',
      ];
      const strip = (spec: any) =>
        Object.fromEntries(
          Object.entries(spec ?? {}).filter(([k]) => !allowed.includes(k)),
        );
      return same(strip(desired.spec), strip(live.spec))
        ? []
        : [
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          ];
    }
    case 'Job':
      return same(desired.spec?.template, live.spec?.template)
        ? []
        : [
            'spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable',
          ];
    case 'Service': {
      const wanted = desired.spec?.clusterIP;
      const current = live.spec?.clusterIP;
      return wanted && current && wanted !== current
        ? [
            `spec.clusterIPs[0]: Invalid value: []string{${JSON.stringify(
              wanted,
            )}}: may not change once set`,
          ]
        : [];
    }
    case 'ConfigMap':
    case 'Secret':
      return live.immutable === true &&
        (!same(desired.data, live.data) ||
          !same(desired.binaryData, live.binaryData))
        ? ['data: Forbidden: field is immutable when `immutable` is set']
        : [];
    default:
      return [];
  }
}

export function dryRun(
  desired: any,
  live: any | undefined,
): DryRunFailure | undefined {
  const { group } = splitApiVersion(desired.apiVersion ?? '');
  const schema = SCHEMAS[`${group}/${desired.kind}`];
  if (schema) {
    const typeError = typeCheck(desired, schema, '');
    if (typeError) {
      const ns = desired.metadata?.namespace
        ? `${desired.metadata.namespace}/`
        : '';
      return {
        reason: 'BadRequest',
        message: `failed to create typed patch object (${ns}${desired.metadata?.name}; ${desired.apiVersion}, Kind=${desired.kind}): ${typeError}`,
      };
    }
  }
  const causes = validateFields(desired);
  if (causes.length > 0) return invalid(desired, causes);
  if (live) {
    const immutable = immutableFieldChanges(desired, live);
    if (immutable.length > 0) return invalid(desired, immutable);
  }
  return undefined;
}
