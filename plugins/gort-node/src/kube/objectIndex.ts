import {
  eventConcerns,
  eventTarget,
  isEvent,
  isPod,
  KubeEvent,
  KubeObject,
  matchesRef,
  ParsedRef,
} from './objects';

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Lookups over one input set, so diagnosing n objects stays near-linear in the input size. */
export class ObjectIndex {
  readonly all: readonly KubeObject[];
  private readonly byName = new Map<string, KubeObject[]>();
  private readonly eventsByTargetName = new Map<string, KubeEvent[]>();
  private readonly eventsByKindAndNamespace = new Map<string, KubeEvent[]>();
  private readonly podsByNamespace = new Map<string, KubeObject[]>();

  constructor(objects: readonly KubeObject[]) {
    this.all = objects;
    for (const obj of objects) {
      if (isEvent(obj)) {
        const target = eventTarget(obj);
        push(this.eventsByTargetName, target?.name ?? '', obj);
        push(
          this.eventsByKindAndNamespace,
          `${target?.kind ?? ''}/${
            target?.namespace ?? obj.metadata?.namespace ?? ''
          }`,
          obj,
        );
        continue;
      }
      push(this.byName, obj.metadata?.name ?? '', obj);
      if (isPod(obj))
        push(this.podsByNamespace, obj.metadata?.namespace ?? '', obj);
    }
  }

  find(
    ref: ParsedRef,
    accept: (obj: KubeObject) => boolean = () => true,
  ): KubeObject | undefined {
    return (this.byName.get(ref.name) ?? []).find(
      o => matchesRef(o, ref) && accept(o),
    );
  }

  eventsFor(obj: KubeObject): KubeEvent[] {
    return (this.eventsByTargetName.get(obj.metadata?.name ?? '') ?? []).filter(
      e => eventConcerns(e, obj),
    );
  }

  /** Events about objects of `kind` in `namespace`. */
  eventsOfKind(kind: string, namespace: string | undefined): KubeEvent[] {
    return (
      this.eventsByKindAndNamespace.get(`${kind}/${namespace ?? ''}`) ?? []
    );
  }

  podsIn(namespace: string | undefined): KubeObject[] {
    return this.podsByNamespace.get(namespace ?? '') ?? [];
  }
}
