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

export function removeCondition(
  conditions: Condition[] | undefined,
  type: string,
): Condition[] {
  return (conditions ?? []).filter(c => c.type !== type);
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
