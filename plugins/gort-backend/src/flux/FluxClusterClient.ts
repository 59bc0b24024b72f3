import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';

/** Reads and writes GORT needs besides the watches, for one cluster. */
export interface ClusterReader {
  getObject(apiVersion: string, kind: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  listObjects(apiVersion: string, kind: string, namespace: string, labelSelector?: string): Promise<KubeObject[]>;
  listEventsFor(namespace: string, kind: string, name: string): Promise<KubeObject[]>;
  listPods(namespace: string, labelSelector: string): Promise<KubeObject[]>;
  readLog(namespace: string, pod: string, container: string, options: { tailLines: number; previous: boolean }): Promise<string>;
  /** Sets `reconcile.fluxcd.io/requestedAt` so Flux acts now, not at its next interval. */
  requestReconcile(apiVersion: string, kind: string, namespace: string, name: string, at: Date): Promise<void>;
}

function isNotFound(error: unknown): boolean {
  const e = error as { code?: number; statusCode?: number; body?: { code?: number } };
  return e?.code === 404 || e?.statusCode === 404 || e?.body?.code === 404;
}

export class FluxClusterClient implements ClusterReader {
  private readonly objects: KubernetesObjectApi;
  private readonly core: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly onRequest?: (verb: string) => void,
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async getObject(apiVersion: string, kind: string, namespace: string, name: string) {
    this.onRequest?.('get');
    try {
      return (await this.objects.read({ apiVersion, kind, metadata: { name, namespace } })) as KubeObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async listObjects(apiVersion: string, kind: string, namespace: string, labelSelector?: string) {
    this.onRequest?.('list');
    const list = await this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector, 50);
    return (list.items ?? []).map(item => ({ apiVersion, kind, ...item }) as KubeObject);
  }

  async listEventsFor(namespace: string, kind: string, name: string) {
    this.onRequest?.('list');
    const list = await this.core.listNamespacedEvent({
      namespace,
      fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
      limit: 100,
    });
    return (list.items ?? []).map(event => ({ ...event, apiVersion: 'v1', kind: 'Event' }) as unknown as KubeObject);
  }

  async listPods(namespace: string, labelSelector: string) {
    this.onRequest?.('list');
    const list = await this.core.listNamespacedPod({ namespace, labelSelector, limit: 50 });
    return (list.items ?? []).map(pod => ({ ...pod, apiVersion: 'v1', kind: 'Pod' }) as unknown as KubeObject);
  }

  async readLog(namespace: string, pod: string, container: string, options: { tailLines: number; previous: boolean }) {
    this.onRequest?.('log');
    return this.core.readNamespacedPodLog({
      namespace,
      name: pod,
      container,
      tailLines: options.tailLines,
      previous: options.previous,
      limitBytes: 16_384,
    });
  }

  async requestReconcile(apiVersion: string, kind: string, namespace: string, name: string, at: Date) {
    this.onRequest?.('patch');
    await this.objects.patch(
      {
        apiVersion,
        kind,
        metadata: { name, namespace, annotations: { 'reconcile.fluxcd.io/requestedAt': at.toISOString() } },
      },
      undefined,
      undefined,
      'gort',
      undefined,
      PatchStrategy.MergePatch,
    );
  }
}
