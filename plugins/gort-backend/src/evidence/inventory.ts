import type { KubeObject } from '@gort-backstage/plugin-gort-node';

export interface InventoryRef {
  namespace: string;
  name: string;
  group: string;
  kind: string;
}

const WORKLOAD_APIS: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
};

/** Parses Flux inventory ids (`<namespace>_<name>_<group>_<Kind>`). */
export function parseInventoryId(id: string): InventoryRef | undefined {
  const parts = id.split('_');
  if (parts.length !== 4) return undefined;
  const [namespace, name, group, kind] = parts;
  if (!name || !kind) return undefined;
  return { namespace, name, group, kind };
}

/** Workloads a Kustomization applied, from its inventory, at most `limit`. */
export function inventoryWorkloads(object: KubeObject, limit: number): Array<InventoryRef & { apiVersion: string }> {
  const entries = object.status?.inventory?.entries;
  if (!Array.isArray(entries)) return [];
  const result: Array<InventoryRef & { apiVersion: string }> = [];
  for (const entry of entries) {
    const ref = typeof entry?.id === 'string' ? parseInventoryId(entry.id) : undefined;
    if (!ref || !WORKLOAD_APIS[ref.kind]) continue;
    result.push({ ...ref, apiVersion: WORKLOAD_APIS[ref.kind] });
    if (result.length >= limit) break;
  }
  return result;
}

/** `key=value,…` selector from a workload's `spec.selector.matchLabels`. */
export function podSelectorOf(workload: KubeObject): string | undefined {
  const labels = workload.spec?.selector?.matchLabels ?? workload.spec?.template?.metadata?.labels;
  if (!labels || typeof labels !== 'object') return undefined;
  const pairs = Object.entries(labels as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k}=${v}`);
  return pairs.length ? pairs.join(',') : undefined;
}

export interface FailingContainer {
  pod: string;
  namespace: string;
  container: string;
  previous: boolean;
  reason: string;
}

/** Containers whose logs explain a failure: crashing, erroring or restarted. */
export function failingContainers(pod: KubeObject): FailingContainer[] {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  const result: FailingContainer[] = [];
  for (const status of statuses) {
    const waiting = status?.state?.waiting?.reason;
    const terminated = status?.state?.terminated;
    const lastTerminated = status?.lastState?.terminated;
    const restarts = Number(status?.restartCount ?? 0);
    const crashed =
      waiting === 'CrashLoopBackOff' ||
      waiting === 'RunContainerError' ||
      (terminated && terminated.exitCode !== 0) ||
      restarts > 0;
    if (!crashed || !status?.name) continue;
    result.push({
      pod: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? '',
      container: status.name,
      previous: restarts > 0 && Boolean(lastTerminated),
      reason: waiting ?? terminated?.reason ?? lastTerminated?.reason ?? 'restarted',
    });
  }
  return result;
}
