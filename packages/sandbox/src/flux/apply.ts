/**
 * Server-side-apply-like staging of built manifests into the store, as fluxcd/pkg/ssa does it:
 * Namespaces first, then everything else; each stage is dry-run validated as a whole before any
 * object in it is written, and errors use the ssa package's wording.
 */
import { KubeStore } from '../kube/store';
import { findByKind, splitApiVersion } from '../kube/resources';
import { KubeObject } from '../kube/types';
import { dryRun } from './manifestValidation';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ChangeSetEntry {
  ref: ObjectRef;
  action: 'created' | 'configured' | 'unchanged' | 'deleted';
}

export class ApplyError extends Error {
  constructor(message: string, readonly changeSet: ChangeSetEntry[]) {
    super(message);
  }
}

/** ssa's FmtUnstructured: `Kind/namespace/name` or `Kind/name`. */
export function formatObject(ref: {
  kind: string;
  namespace?: string;
  name: string;
}): string {
  return ref.namespace
    ? `${ref.kind}/${ref.namespace}/${ref.name}`
    : `${ref.kind}/${ref.name}`;
}

export function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata?.namespace,
    name: obj.metadata?.name ?? '',
  };
}

/** Flux inventory id: `<namespace>_<name>_<group>_<Kind>`. */
export function inventoryId(ref: ObjectRef): string {
  return `${ref.namespace ?? ''}_${ref.name}_${
    splitApiVersion(ref.apiVersion).group
  }_${ref.kind}`;
}

export function parseInventoryEntry(entry: {
  id: string;
  v: string;
}): ObjectRef {
  const [namespace, name, group, kind] = entry.id.split('_');
  return {
    apiVersion: group ? `${group}/${entry.v}` : entry.v,
    kind,
    namespace: namespace || undefined,
    name,
  };
}

export function changeSetLog(entries: ChangeSetEntry[]): string {
  return entries
    .filter(e => e.action !== 'unchanged')
    .map(e => `${formatObject(e.ref)} ${e.action}`)
    .join('\n');
}

interface ApplyOptions {
  ownerName: string;
  ownerNamespace: string;
  force: boolean;
}

function serviceClusterIp(store: KubeStore, obj: KubeObject): string {
  const live = store.tryGet(
    { apiVersion: 'v1', kind: 'Service' },
    obj.metadata.namespace,
    obj.metadata.name!,
  );
  if (live?.spec?.clusterIP) return live.spec.clusterIP;
  const n = Math.floor(Math.random() * 65000) + 10;
  return `10.96.${Math.floor(n / 250)}.${(n % 250) + 2}`;
}

function prepare(
  store: KubeStore,
  obj: KubeObject,
  options: ApplyOptions,
): KubeObject {
  const labels = {
    ...(obj.metadata.labels ?? {}),
    'kustomize.toolkit.fluxcd.io/name': options.ownerName,
    'kustomize.toolkit.fluxcd.io/namespace': options.ownerNamespace,
  };
  const prepared: KubeObject = {
    ...obj,
    metadata: { ...obj.metadata, labels },
  };
  if (
    obj.kind === 'Service' &&
    obj.spec?.type !== 'ExternalName' &&
    obj.spec?.clusterIP === undefined
  ) {
    // The API server allocates clusterIP; a later apply that omits it keeps the allocated one.
    const ip = serviceClusterIp(store, obj);
    prepared.spec = { ...obj.spec, clusterIP: ip, clusterIPs: [ip] };
  }
  return prepared;
}

function validate(
  store: KubeStore,
  obj: KubeObject,
  namespacesBeingApplied: Set<string>,
  options: ApplyOptions,
): { error?: string; recreate?: boolean } {
  const ref = refOf(obj);
  const type = findByKind(obj.apiVersion, obj.kind);
  if (!type)
    return {
      error: `${formatObject(ref)} dry-run failed: no matches for kind "${
        obj.kind
      }" in version "${obj.apiVersion}"`,
    };
  if (type.namespaced && !ref.namespace) {
    return {
      error: `${formatObject(
        ref,
      )} namespace not specified: the server could not find the requested resource`,
    };
  }
  if (
    type.namespaced &&
    !namespacesBeingApplied.has(ref.namespace!) &&
    !store.tryGet(
      { apiVersion: 'v1', kind: 'Namespace' },
      undefined,
      ref.namespace!,
    )
  ) {
    return {
      error: `${formatObject(ref)} not found: namespaces "${
        ref.namespace
      }" not found`,
    };
  }
  const live = store.tryGet(type, ref.namespace, ref.name);
  const failure = dryRun(obj, live);
  if (!failure) return {};
  const forced =
    options.force ||
    obj.metadata.annotations?.['kustomize.toolkit.fluxcd.io/force'] ===
      'enabled';
  if (
    forced &&
    live &&
    /immutable|may not change once set|Forbidden: updates to statefulset spec/.test(
      failure.message,
    )
  ) {
    return { recreate: true };
  }
  return {
    error: `${formatObject(ref)} dry-run failed (${failure.reason}): ${
      failure.message
    }`,
  };
}

/** Validates then writes; throws ApplyError carrying what earlier stages already changed. */
export function applyAllStaged(
  store: KubeStore,
  objects: KubeObject[],
  options: ApplyOptions,
): ChangeSetEntry[] {
  const isFirstStage = (o: KubeObject) =>
    o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition';
  const stages = [
    objects.filter(isFirstStage),
    objects.filter(o => !isFirstStage(o)),
  ];
  const namespaces = new Set(
    objects.filter(o => o.kind === 'Namespace').map(o => o.metadata.name!),
  );
  const changeSet: ChangeSetEntry[] = [];
  for (const stage of stages) {
    const plans = stage.map(obj => ({
      obj: prepare(store, obj, options),
      ...validate(store, obj, namespaces, options),
    }));
    const failed = plans.find(p => p.error);
    if (failed) throw new ApplyError(failed.error!, changeSet);
    for (const plan of plans) {
      const ref = refOf(plan.obj);
      if (plan.recreate) {
        store.delete(plan.obj, ref.namespace, ref.name);
        store.create(plan.obj, plan.obj);
        changeSet.push({ ref, action: 'created' });
        continue;
      }
      const { action } = store.upsert(plan.obj, plan.obj);
      changeSet.push({ ref, action });
    }
  }
  return changeSet;
}

/** Deletes inventory objects that are no longer in the build and still carry the owner labels. */
export function pruneStale(
  store: KubeStore,
  stale: ObjectRef[],
  options: ApplyOptions,
): ChangeSetEntry[] {
  const deleted: ChangeSetEntry[] = [];
  for (const ref of stale) {
    if (!findByKind(ref.apiVersion, ref.kind)) continue;
    const live = store.tryGet(ref, ref.namespace, ref.name);
    if (!live) continue;
    const labels = live.metadata.labels ?? {};
    if (
      labels['kustomize.toolkit.fluxcd.io/name'] !== options.ownerName ||
      labels['kustomize.toolkit.fluxcd.io/namespace'] !== options.ownerNamespace
    )
      continue;
    if (
      live.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] ===
      'disabled'
    )
      continue;
    store.delete(ref, ref.namespace, ref.name);
    deleted.push({ ref, action: 'deleted' });
  }
  return deleted;
}
