import type { KubeObject, RuntimeContainer, RuntimeSnapshot, RuntimeWorkload } from '@gort-backstage/plugin-gort-node';
import { redact } from '@gort-backstage/plugin-gort-node';
import { ClusterReader } from '../flux/FluxClusterClient';
import { inventoryWorkloads, podSelectorOf } from '../evidence/inventory';

export interface SnapshotLimits {
  workloads: number;
  eventsPerWorkload: number;
}

const DEFAULT_LIMITS: SnapshotLimits = { workloads: 20, eventsPerWorkload: 10 };

function replicaCounts(kind: string, spec: any, status: any): { desired?: number; ready?: number } {
  switch (kind) {
    case 'DaemonSet':
      return { desired: status.desiredNumberScheduled, ready: status.numberReady };
    case 'Job':
      return { desired: spec.completions ?? 1, ready: status.succeeded };
    default:
      return { desired: spec.replicas ?? 1, ready: status.readyReplicas };
  }
}

/** The runtime view of one workload and its pods (pure). */
export function describeWorkload(workload: KubeObject, pods: KubeObject[]): RuntimeWorkload {
  const spec = workload.spec ?? {};
  const status = workload.status ?? {};
  const restarts = new Map<string, number>();
  for (const pod of pods) {
    for (const cs of pod.status?.containerStatuses ?? []) {
      restarts.set(cs.name, (restarts.get(cs.name) ?? 0) + (cs.restartCount ?? 0));
    }
  }
  const containers: RuntimeContainer[] = (spec.template?.spec?.containers ?? []).map((c: any) => ({
    name: c.name,
    image: c.image,
    ...(c.resources ? { resources: { limits: c.resources.limits, requests: c.resources.requests } } : {}),
    restarts: restarts.get(c.name) ?? 0,
  }));
  const kind = workload.kind ?? 'Deployment';
  const { desired, ready } = replicaCounts(kind, spec, status);
  return {
    kind,
    namespace: workload.metadata?.namespace ?? '',
    name: workload.metadata?.name ?? '',
    replicas: {
      desired,
      ready: ready ?? 0,
      ...(status.availableReplicas !== undefined ? { available: status.availableReplicas } : {}),
      ...(status.updatedReplicas !== undefined ? { updated: status.updatedReplicas } : {}),
    },
    containers,
  };
}

/** Reads the workloads of a Kustomization's inventory, their pods and warning events. */
export async function readRuntimeSnapshot(
  reader: ClusterReader,
  kustomization: KubeObject,
  limits: SnapshotLimits = DEFAULT_LIMITS,
): Promise<{ snapshot: RuntimeSnapshot; problems: string[] }> {
  const workloads: RuntimeWorkload[] = [];
  const warningEvents: string[] = [];
  const problems: string[] = [];
  for (const ref of inventoryWorkloads(kustomization, limits.workloads)) {
    try {
      const workload = await reader.getObject(ref.apiVersion, ref.kind, ref.namespace, ref.name);
      if (!workload) {
        problems.push(`${ref.kind}/${ref.namespace}/${ref.name} is in the inventory but not in the cluster`);
        continue;
      }
      const selector = podSelectorOf(workload);
      const pods = selector ? await reader.listPods(ref.namespace, selector) : [];
      workloads.push(describeWorkload(workload, pods));
      const events = await reader.listEventsFor(ref.namespace, ref.kind, ref.name);
      for (const event of events.filter((e: any) => e.type === 'Warning').slice(0, limits.eventsPerWorkload)) {
        warningEvents.push(redact(`${ref.kind}/${ref.name}: ${(event as any).reason}: ${(event as any).message}`).slice(0, 500));
      }
    } catch (error) {
      problems.push(`could not read ${ref.kind}/${ref.namespace}/${ref.name}: ${String(error).slice(0, 200)}`);
    }
  }
  return { snapshot: { workloads, warningEvents }, problems };
}
