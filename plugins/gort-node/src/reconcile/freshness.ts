import { Condition, findCondition, KubeObject } from '../kube/objects';

/**
 * Whether a condition describes the object's current spec. Conditions carry
 * their own `observedGeneration` (fluxcd/pkg runtime/conditions sets it on every
 * Mark*), and the controllers do not advance `status.observedGeneration` on
 * retryable failures, so the condition's is the one to read; the flux CLI does
 * the same and falls back to `status.observedGeneration` only when the
 * condition has none.
 * upstream: fluxcd/flux2@da2d22d3690191a315822612085f424e4133b06a:cmd/flux/readiness.go#L43
 * upstream: fluxcd/pkg@e2cfd1a2d1815a81b3e77ef750e6528282ccccd6:runtime/conditions/setter.go#L53
 *
 * One meaning for a missing observedGeneration, everywhere in GORT: when the
 * object has a `metadata.generation` and neither the condition nor the status
 * says which generation was observed (or says -1, as a new object does), the
 * controller has not reported on this spec yet. Without a generation there is
 * nothing to compare, and the condition counts as current.
 */
export function conditionIsCurrent(object: KubeObject, condition: Condition | undefined): boolean {
  if (!condition) return false;
  const generation = object.metadata?.generation;
  if (typeof generation !== 'number') return true;
  const own = (condition as { observedGeneration?: unknown }).observedGeneration;
  if (typeof own === 'number' && own > 0) return own >= generation;
  return statusObservedCurrent(object);
}

/** `status.observedGeneration` has caught up with `metadata.generation` (same missing-value meaning). */
export function statusObservedCurrent(object: KubeObject): boolean {
  const generation = object.metadata?.generation;
  if (typeof generation !== 'number') return true;
  const observed = object.status?.observedGeneration;
  return typeof observed === 'number' && observed > 0 && observed >= generation;
}

/** The condition of this type, only when it describes the current spec. */
export function currentCondition(object: KubeObject, type: string): Condition | undefined {
  const condition = findCondition(object, type);
  return conditionIsCurrent(object, condition) ? condition : undefined;
}

export function isTrue(condition: Condition | undefined): boolean {
  return condition?.status === 'True';
}

export function isFalse(condition: Condition | undefined): boolean {
  return condition?.status === 'False';
}

/** Milliseconds of an RFC 3339 time, or undefined. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
