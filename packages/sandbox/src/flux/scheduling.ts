/** Whether a pod fits the sandbox's nodes, with the scheduler's message when it does not (pure). */
import { parseQuantity } from './quantity';

export interface NodeCapacity {
  cpu: number; // cores
  memory: number; // bytes
}

export interface SandboxCluster {
  nodes: string[];
  allocatable: NodeCapacity;
}

export const DEFAULT_CLUSTER: SandboxCluster = {
  nodes: ['sandbox-worker-1', 'sandbox-worker-2', 'sandbox-worker-3'],
  allocatable: { cpu: 2, memory: 4 * 2 ** 30 },
};

function podRequests(spec: any): NodeCapacity {
  let cpu = 0;
  let memory = 0;
  for (const c of spec?.containers ?? []) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    // Without requests, the API server defaults requests to the limits.
    cpu += parseQuantity(requests.cpu ?? limits.cpu) ?? 0;
    memory += parseQuantity(requests.memory ?? limits.memory) ?? 0;
  }
  return { cpu, memory };
}

export type ScheduleResult =
  | { scheduled: true; node: string }
  | { scheduled: false; message: string };

export function schedulePod(
  podName: string,
  spec: any,
  cluster: SandboxCluster = DEFAULT_CLUSTER,
): ScheduleResult {
  const wanted = podRequests(spec);
  const n = cluster.nodes.length;
  const reasons: string[] = [];
  if (wanted.cpu > cluster.allocatable.cpu)
    reasons.push(`${n} Insufficient cpu`);
  if (wanted.memory > cluster.allocatable.memory)
    reasons.push(`${n} Insufficient memory`);
  if (reasons.length > 0) {
    return {
      scheduled: false,
      message: `0/${n} nodes are available: ${reasons.join(
        ', ',
      )}. preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod.`,
    };
  }
  // Spread pods deterministically by name.
  const hash = [...podName].reduce(
    (h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0,
    7,
  );
  return { scheduled: true, node: cluster.nodes[hash % n] };
}
