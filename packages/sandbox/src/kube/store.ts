/**
 * In-memory object store with the semantics of the Kubernetes API server that clients rely on:
 * a global resourceVersion, uid, generation bumped on spec changes, optimistic concurrency,
 * the status subresource, owner-reference garbage collection and watch with bounded history.
 */
import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  KubeApiError,
  notFound,
} from './errors';
import { applyPatch, PatchType } from './patch';
import {
  findByKind,
  RESOURCE_TYPES,
  ResourceType,
  TypeRef,
  groupVersion,
} from './resources';
import { compileSelector, Selector } from './selectors';
import { KubeObject, WatchEvent } from './types';
import { PodLogStore } from './podLogs';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string | null;
  fieldSelector?: string | null;
}

export interface WatchOptions extends ListOptions {
  /** Replay changes after this version; '0' or absent: start with ADDED for every object. */
  resourceVersion?: string | null;
}

export interface WriteOptions {
  subresource?: 'status';
}

type ObjectType = ResourceType | TypeRef;

interface HistoryEntry {
  rv: number;
  typeKey: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  previous?: KubeObject;
}

interface Watcher {
  typeKey: string;
  namespace?: string;
  selector: Selector;
  listener: (event: WatchEvent) => void;
}

const typeKeyOf = (t: ResourceType) => `${t.group}/${t.kind}`;
const objectKey = (namespace: string | undefined, name: string) =>
  `${namespace ?? ''}/${name}`;
const clone = <T>(v: T): T => structuredClone(v);

/** JSON with sorted keys, so that equal objects compare equal regardless of key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  );
}

/** Everything but metadata and status: a change here is a spec change that bumps generation. */
function specPart(obj: KubeObject): string {
  const { metadata, status, apiVersion, kind, ...rest } = obj;
  return canonicalJson(rest);
}

function randomSuffix(length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < length; i++)
    out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

export class KubeStore {
  readonly logs = new PodLogStore();
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private revision = 0;
  private compactedRevision = 0;

  constructor(private readonly options: { historySize?: number } = {}) {}

  resourceType(ref: ObjectType): ResourceType {
    if ('plural' in ref) return ref;
    const type = findByKind(ref.apiVersion, ref.kind);
    if (!type) {
      throw new KubeApiError(
        'NotFound',
        `no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`,
      );
    }
    return type;
  }

  currentResourceVersion(): string {
    return String(this.revision);
  }

  get(
    ref: ObjectType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const type = this.resourceType(ref);
    const obj = this.bucket(type).get(
      objectKey(this.scope(type, namespace), name),
    );
    if (!obj) throw notFound(type, name);
    return clone(obj);
  }

  tryGet(
    ref: ObjectType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const type = this.resourceType(ref);
    const obj = this.bucket(type).get(
      objectKey(this.scope(type, namespace), name),
    );
    return obj ? clone(obj) : undefined;
  }

  list(
    ref: ObjectType,
    options: ListOptions = {},
  ): { items: KubeObject[]; resourceVersion: string } {
    const type = this.resourceType(ref);
    const selector = compileSelector(
      options.labelSelector,
      options.fieldSelector,
    );
    const items = [...this.bucket(type).values()]
      .filter(
        o =>
          !options.namespace ||
          !type.namespaced ||
          o.metadata.namespace === options.namespace,
      )
      .filter(selector)
      .sort((a, b) =>
        objectKey(a.metadata.namespace, a.metadata.name!).localeCompare(
          objectKey(b.metadata.namespace, b.metadata.name!),
        ),
      )
      .map(clone);
    return { items, resourceVersion: this.currentResourceVersion() };
  }

  create(
    ref: ObjectType,
    input: KubeObject,
    options: { namespace?: string } = {},
  ): KubeObject {
    const type = this.resourceType(ref);
    const obj = this.normalizeInput(type, input);
    const namespace = this.scope(
      type,
      options.namespace ?? obj.metadata.namespace,
    );
    if (type.namespaced && !namespace)
      throw badRequest('the namespace of the object must be set');
    if (
      options.namespace &&
      obj.metadata.namespace &&
      obj.metadata.namespace !== options.namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${randomSuffix(5)}`;
    }
    const name = obj.metadata.name;
    if (!name) {
      throw new KubeApiError(
        'Invalid',
        `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
      );
    }
    if (
      type.namespaced &&
      !this.bucket(
        this.resourceType({ apiVersion: 'v1', kind: 'Namespace' }),
      ).has(objectKey(undefined, namespace!))
    ) {
      throw new KubeApiError(
        'NotFound',
        `namespaces "${namespace}" not found`,
        { name: namespace, kind: 'namespaces' },
      );
    }
    const bucket = this.bucket(type);
    const key = objectKey(namespace, name);
    if (bucket.has(key)) throw alreadyExists(type, name);

    const stored: KubeObject = {
      ...obj,
      apiVersion: groupVersion(type.group, type.versions[0]),
      kind: type.kind,
      metadata: {
        ...obj.metadata,
        name,
        ...(type.namespaced ? { namespace } : {}),
        uid: randomUUID(),
        generation: 1,
        creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    };
    if (!type.namespaced) delete stored.metadata.namespace;
    if (type.kind === 'Namespace') stored.status = { phase: 'Active' };
    stored.metadata.resourceVersion = String(++this.revision);
    bucket.set(key, stored);
    this.record(type, 'ADDED', stored);
    return clone(stored);
  }

  update(
    ref: ObjectType,
    input: KubeObject,
    options: WriteOptions = {},
  ): KubeObject {
    const type = this.resourceType(ref);
    const obj = this.normalizeInput(type, input);
    const namespace = this.scope(type, obj.metadata.namespace);
    const name = obj.metadata.name;
    if (!name) throw badRequest('metadata.name: Required value');
    const bucket = this.bucket(type);
    const key = objectKey(namespace, name);
    const existing = bucket.get(key);
    if (!existing) throw notFound(type, name);
    if (
      obj.metadata.resourceVersion &&
      obj.metadata.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(type, name);
    }
    if (obj.metadata.uid && obj.metadata.uid !== existing.metadata.uid) {
      throw new KubeApiError(
        'Conflict',
        `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }

    let next: KubeObject;
    if (options.subresource === 'status') {
      next = { ...clone(existing), status: clone(obj.status) };
    } else {
      next = {
        ...clone(obj),
        apiVersion: existing.apiVersion,
        kind: existing.kind,
        metadata: {
          ...clone(obj.metadata),
          name,
          uid: existing.metadata.uid,
          creationTimestamp: existing.metadata.creationTimestamp,
          generation: existing.metadata.generation,
          ...(type.namespaced ? { namespace } : {}),
        },
      };
      // Kinds with a status subresource ignore status on the main resource.
      if (type.hasStatus) {
        if (existing.status === undefined) delete next.status;
        else next.status = clone(existing.status);
      }
      if (specPart(next) !== specPart(existing)) {
        next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
      }
    }
    if (
      canonicalJson({
        ...next,
        metadata: { ...next.metadata, resourceVersion: '' },
      }) ===
      canonicalJson({
        ...existing,
        metadata: { ...existing.metadata, resourceVersion: '' },
      })
    ) {
      return clone(existing); // no-op writes do not produce a new resourceVersion, like the API server
    }
    next.metadata.resourceVersion = String(++this.revision);
    bucket.set(key, next);
    this.record(type, 'MODIFIED', next, existing);
    return clone(next);
  }

  patch(
    ref: ObjectType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const type = this.resourceType(ref);
    const existing = this.tryGet(type, namespace, name);
    if (!existing) {
      if (patchType === 'apply' && !options.subresource) {
        return this.create(
          type,
          {
            ...(patch as KubeObject),
            metadata: { ...(patch as KubeObject).metadata, name },
          },
          { namespace },
        );
      }
      throw notFound(type, name);
    }
    const patched = applyPatch(patchType, existing, patch);
    if (
      typeof patched !== 'object' ||
      patched === null ||
      Array.isArray(patched)
    ) {
      throw badRequest('patch did not produce an object');
    }
    const next = patched as KubeObject;
    next.metadata = {
      ...(next.metadata ?? {}),
      name,
      ...(type.namespaced ? { namespace: existing.metadata.namespace } : {}),
    };
    // A patch carries the resourceVersion precondition only when it names one explicitly.
    const explicitVersion = (patch as any)?.metadata?.resourceVersion;
    if (!explicitVersion || patchType === 'json')
      next.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (options.subresource === 'status')
      return this.update(type, next, { subresource: 'status' });
    const updated = this.update(type, next);
    // A merge patch on a status-less main resource path would drop status changes; kinds with a
    // status subresource keep status only through /status, as the real API does.
    return updated;
  }

  /** Read-modify-write for in-process controllers; retries never conflict because it is synchronous. */
  mutate(
    ref: ObjectType,
    namespace: string | undefined,
    name: string,
    change: (obj: KubeObject) => KubeObject | void,
    options: WriteOptions = {},
  ): KubeObject {
    const current = this.get(ref, namespace, name);
    const changed = change(current) ?? current;
    return this.update(ref, changed, options);
  }

  /** Creates the object, or replaces its spec-side content if it exists (keeps status). */
  upsert(
    ref: ObjectType,
    obj: KubeObject,
  ): { object: KubeObject; action: 'created' | 'configured' | 'unchanged' } {
    const existing = this.tryGet(
      ref,
      obj.metadata.namespace,
      obj.metadata.name!,
    );
    if (!existing) return { object: this.create(ref, obj), action: 'created' };
    const next = {
      ...clone(obj),
      metadata: { ...clone(obj.metadata), resourceVersion: undefined },
    };
    delete next.metadata.resourceVersion;
    const updated = this.update(ref, next);
    return {
      object: updated,
      action:
        updated.metadata.resourceVersion === existing.metadata.resourceVersion
          ? 'unchanged'
          : 'configured',
    };
  }

  delete(
    ref: ObjectType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const type = this.resourceType(ref);
    const bucket = this.bucket(type);
    const key = objectKey(this.scope(type, namespace), name);
    const existing = bucket.get(key);
    if (!existing) throw notFound(type, name);
    bucket.delete(key);
    const deleted = clone(existing);
    deleted.metadata.resourceVersion = String(++this.revision);
    this.record(type, 'DELETED', deleted);
    if (type.kind === 'Pod')
      this.logs.removePod(deleted.metadata.namespace!, name);
    this.collectGarbage(deleted);
    return clone(deleted);
  }

  /**
   * Subscribes to changes. Throws a `Gone` KubeApiError when `resourceVersion` is older than the
   * retained history, so the caller relists, as with the real API.
   */
  watch(
    ref: ObjectType,
    options: WatchOptions,
    listener: (event: WatchEvent) => void,
  ): () => void {
    const type = this.resourceType(ref);
    const selector = compileSelector(
      options.labelSelector,
      options.fieldSelector,
    );
    const watcher: Watcher = {
      typeKey: typeKeyOf(type),
      namespace: type.namespaced ? options.namespace : undefined,
      selector,
      listener,
    };
    const rv = options.resourceVersion;
    if (!rv || rv === '0') {
      for (const obj of this.list(type, options).items)
        listener({ type: 'ADDED', object: obj });
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0)
        throw badRequest(`invalid resource version "${rv}"`);
      if (from < this.compactedRevision) {
        throw new KubeApiError(
          'Gone',
          `too old resource version: ${from} (${this.compactedRevision + 1})`,
        );
      }
      for (const entry of this.history) {
        if (entry.rv > from && entry.typeKey === watcher.typeKey)
          this.deliver(watcher, entry);
      }
    }
    this.watchers.add(watcher);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  private deliver(watcher: Watcher, entry: HistoryEntry): void {
    const inScope = (o?: KubeObject) =>
      !!o &&
      (!watcher.namespace || o.metadata.namespace === watcher.namespace) &&
      watcher.selector(o);
    const nowMatches = inScope(entry.object);
    const wasMatching =
      entry.type === 'MODIFIED' ? inScope(entry.previous) : nowMatches;
    let type: WatchEvent['type'] | undefined;
    if (entry.type === 'MODIFIED') {
      if (nowMatches && wasMatching) type = 'MODIFIED';
      else if (nowMatches) type = 'ADDED';
      else if (wasMatching) type = 'DELETED';
    } else if (nowMatches) {
      type = entry.type;
    }
    if (!type) return;
    try {
      watcher.listener({ type, object: clone(entry.object) });
    } catch {
      // A failing listener must not break the writer or other watchers.
    }
  }

  private record(
    type: ResourceType,
    eventType: HistoryEntry['type'],
    obj: KubeObject,
    previous?: KubeObject,
  ) {
    const entry: HistoryEntry = {
      rv: this.revision,
      typeKey: typeKeyOf(type),
      type: eventType,
      object: clone(obj),
      previous: previous && clone(previous),
    };
    this.history.push(entry);
    const limit = this.options.historySize ?? 5000;
    while (this.history.length > limit) {
      this.compactedRevision = this.history.shift()!.rv;
    }
    for (const watcher of [...this.watchers]) {
      if (watcher.typeKey === entry.typeKey) this.deliver(watcher, entry);
    }
  }

  private collectGarbage(owner: KubeObject) {
    const uid = owner.metadata.uid;
    for (const type of RESOURCE_TYPES) {
      for (const obj of [...this.bucket(type).values()]) {
        const ownedBy = obj.metadata.ownerReferences?.some(r => r.uid === uid);
        const inDeletedNamespace =
          owner.kind === 'Namespace' &&
          type.namespaced &&
          obj.metadata.namespace === owner.metadata.name;
        if (ownedBy || inDeletedNamespace) {
          if (
            this.bucket(type).has(
              objectKey(obj.metadata.namespace, obj.metadata.name!),
            )
          ) {
            this.delete(type, obj.metadata.namespace, obj.metadata.name!);
          }
        }
      }
    }
  }

  private normalizeInput(type: ResourceType, input: KubeObject): KubeObject {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw badRequest('the body of the request was not a Kubernetes object');
    }
    if (input.kind && input.kind !== type.kind) {
      throw badRequest(
        `the kind "${input.kind}" of the body does not match the resource "${type.plural}"`,
      );
    }
    const metadata = input.metadata ?? {};
    if (typeof metadata !== 'object' || Array.isArray(metadata))
      throw badRequest('metadata must be an object');
    return { ...clone(input), metadata: clone(metadata) };
  }

  private scope(
    type: ResourceType,
    namespace: string | undefined,
  ): string | undefined {
    return type.namespaced ? namespace || undefined : undefined;
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = typeKeyOf(type);
    let bucket = this.objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(key, bucket);
    }
    return bucket;
  }
}
