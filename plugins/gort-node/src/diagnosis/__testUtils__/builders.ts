import type { KubeObject } from '../../kube/objects';

interface FailureOptions {
  namespace?: string;
  reason: string;
  message: string;
  ready?: 'True' | 'False' | 'Unknown';
  stalled?: { reason: string; message: string };
  spec?: Record<string, unknown>;
  generation?: number;
  observedGeneration?: number;
}

function conditions(o: FailureOptions) {
  const list: Array<Record<string, string>> = [
    {
      type: 'Ready',
      status: o.ready ?? 'False',
      reason: o.reason,
      message: o.message,
    },
  ];
  if (o.stalled) list.push({ type: 'Stalled', status: 'True', ...o.stalled });
  return list;
}

function fluxObject(
  apiVersion: string,
  kind: string,
  name: string,
  o: FailureOptions,
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: o.namespace ?? 'flux-system',
      generation: o.generation ?? 3,
    },
    spec: o.spec ?? {},
    status: {
      observedGeneration: o.observedGeneration ?? o.generation ?? 3,
      conditions: conditions(o),
    },
  };
}

export const kustomization = (name: string, o: FailureOptions) =>
  fluxObject('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', name, {
    ...o,
    spec: {
      path: './deploy',
      sourceRef: { kind: 'GitRepository', name: 'platform' },
      ...o.spec,
    },
  });

export const kustomizationV1beta2 = (name: string, o: FailureOptions) =>
  fluxObject('kustomize.toolkit.fluxcd.io/v1beta2', 'Kustomization', name, {
    ...o,
    spec: {
      path: './deploy',
      sourceRef: { kind: 'GitRepository', name: 'platform' },
      ...o.spec,
    },
  });

export const helmRelease = (
  name: string,
  o: FailureOptions,
  apiVersion = 'helm.toolkit.fluxcd.io/v2',
) =>
  fluxObject(apiVersion, 'HelmRelease', name, {
    ...o,
    spec: {
      chart: {
        spec: {
          chart: name,
          sourceRef: { kind: 'HelmRepository', name: 'charts' },
        },
      },
      ...o.spec,
    },
  });

export const gitRepository = (name: string, o: FailureOptions) =>
  fluxObject('source.toolkit.fluxcd.io/v1', 'GitRepository', name, o);

export const ociRepository = (name: string, o: FailureOptions) =>
  fluxObject('source.toolkit.fluxcd.io/v1beta2', 'OCIRepository', name, o);

export const helmRepository = (name: string, o: FailureOptions) =>
  fluxObject('source.toolkit.fluxcd.io/v1', 'HelmRepository', name, o);

export const helmChart = (name: string, o: FailureOptions) =>
  fluxObject('source.toolkit.fluxcd.io/v1', 'HelmChart', name, {
    ...o,
    spec: {
      chart: 'cart',
      sourceRef: { kind: 'HelmRepository', name: 'charts' },
      ...o.spec,
    },
  });

export const warningEvent = (
  involved: KubeObject,
  reason: string,
  message: string,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: {
    name: `${involved.metadata?.name}.${reason}`,
    namespace: involved.metadata?.namespace,
  },
  type: 'Warning',
  reason,
  message,
  involvedObject: {
    apiVersion: involved.apiVersion,
    kind: involved.kind,
    name: involved.metadata?.name,
    namespace: involved.metadata?.namespace,
  },
});

export const deployment = (
  namespace: string,
  name: string,
  extra: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace,
    labels: extra.labels,
    annotations: extra.annotations,
  },
  spec: { selector: { matchLabels: { app: name } } },
  status: { replicas: 1, unavailableReplicas: 1 },
});

export const pod = (
  namespace: string,
  app: string,
  status: Record<string, unknown>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `${app}-7d9f8c6b5-x2x4k`,
    namespace,
    labels: { app },
    ownerReferences: [{ kind: 'ReplicaSet', name: `${app}-7d9f8c6b5` }],
  },
  spec: {
    containers: [{ name: app, image: `registry.example.org/${app}:1.0.0` }],
  },
  status,
});

/** A pod of `app` whose only container waits with `reason` (ImagePullBackOff, CrashLoopBackOff…). */
export const waitingPod = (
  namespace: string,
  app: string,
  reason: string,
  message: string,
): KubeObject =>
  pod(namespace, app, {
    containerStatuses: [
      {
        name: app,
        ready: false,
        restartCount: 0,
        state: { waiting: { reason, message } },
      },
    ],
  });
