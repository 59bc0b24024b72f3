/** Writes core/v1 Events for an object, aggregating repeats like the client-go recorder. */
import { randomBytes } from 'node:crypto';
import { KubeStore } from '../kube/store';
import { KubeObject } from '../kube/types';

const eventType = { apiVersion: 'v1', kind: 'Event' };

export interface EventInput {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** e.g. kustomize-controller, kubelet, default-scheduler */
  component: string;
  annotations?: Record<string, string>;
  host?: string;
}

export function recordEvent(
  store: KubeStore,
  involved: KubeObject,
  input: EventInput,
  now = new Date(),
): void {
  const namespace = involved.metadata.namespace ?? 'default';
  const timestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  try {
    const existing = store
      .list(eventType, {
        namespace,
        fieldSelector: `involvedObject.uid=${involved.metadata.uid},reason=${input.reason},type=${input.type}`,
      })
      .items.find(e => e.message === input.message);
    if (existing) {
      store.update(eventType, {
        ...existing,
        count: (existing.count ?? 1) + 1,
        lastTimestamp: timestamp,
      });
      return;
    }
    store.create(eventType, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${involved.metadata.name}.${randomBytes(8).toString('hex')}`,
        namespace,
        ...(input.annotations ? { annotations: input.annotations } : {}),
      },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        namespace: involved.metadata.namespace,
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
      },
      type: input.type,
      reason: input.reason,
      message: input.message,
      count: 1,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      source: {
        component: input.component,
        ...(input.host ? { host: input.host } : {}),
      },
      reportingComponent: input.component,
      reportingInstance: input.host ?? `${input.component}-sandbox`,
    });
  } catch {
    // The namespace may be gone; events are best effort as in Kubernetes.
  }
}
