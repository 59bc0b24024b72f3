/** Kubernetes `metav1.Condition` handling as Flux controllers do it (pure). */

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export function getCondition(
  conditions: Condition[] | undefined,
  type: string,
): Condition | undefined {
  return (conditions ?? []).find(c => c.type === type);
}

/** Sets a condition; lastTransitionTime changes only when the status changes. */
export function setCondition(
  conditions: Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime'>,
  now: Date,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex(c => c.type === next.type);
  const previous = index >= 0 ? list[index] : undefined;
  const condition: Condition = {
    ...next,
    lastTransitionTime:
      previous && previous.status === next.status
        ? previous.lastTransitionTime
        : now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  if (index >= 0) list[index] = condition;
  else list.push(condition);
  // Flux keeps Ready first, then Reconciling/Stalled, then the rest.
  const order = (type: string) =>
    ['Ready', 'Reconciling', 'Stalled'].indexOf(type) >>> 0;
  return list.sort((a, b) => order(a.type) - order(b.type));
}

/**
 * Stamps the conditions set in this write with the object's generation, as fluxcd/pkg's setter
 * does for every condition it sets (fluxcd/pkg@e2cfd1a runtime/conditions/setter.go#L53); a
 * condition left untouched keeps its own observedGeneration. "Set in this write" is a condition
 * object not present (by reference) in `before`: setCondition always returns new objects.
 */
export function withObservedGenerations(
  before: Condition[] | undefined,
  after: Condition[] | undefined,
  generation: number | undefined,
): Condition[] | undefined {
  if (!after) return after;
  const kept = new Set(before ?? []);
  return after.map(c =>
    kept.has(c) || generation === undefined
      ? c
      : { ...c, observedGeneration: generation },
  );
}

/** Writes `change(current)` as the status, with the conditions it set stamped (see above). */
export function statusWithGenerations(
  current: { metadata: { generation?: number }; status?: any },
  status: any,
): any {
  return {
    ...status,
    conditions: withObservedGenerations(
      current.status?.conditions,
      status?.conditions,
      current.metadata.generation,
    ),
  };
}

export function removeCondition(
  conditions: Condition[] | undefined,
  type: string,
): Condition[] {
  return (conditions ?? []).filter(c => c.type !== type);
}

/**
 * A source that stored its artifact: FetchFailed and Reconciling removed,
 * Ready and ArtifactInStorage True with reason Succeeded (source-controller
 * summarises both source kinds this way).
 */
export function markArtifactStored(
  conditions: Condition[] | undefined,
  message: string,
  now: Date,
): Condition[] {
  let next = removeCondition(
    removeCondition(conditions, 'FetchFailed'),
    'Reconciling',
  );
  next = setCondition(
    next,
    { type: 'Ready', status: 'True', reason: 'Succeeded', message },
    now,
  );
  return setCondition(
    next,
    { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message },
    now,
  );
}

export function isReady(obj: {
  metadata: { generation?: number };
  status?: any;
}): boolean {
  const ready = getCondition(obj.status?.conditions, 'Ready');
  return (
    ready?.status === 'True' &&
    obj.status?.observedGeneration === obj.metadata.generation
  );
}
