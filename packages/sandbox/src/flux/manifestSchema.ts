/**
 * The subset of the Kubernetes OpenAPI schema the sandbox checks, in the shape server-side apply
 * uses to type a patch: unknown fields and wrong scalar types are rejected (pure data).
 */

export type FieldType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'quantity'
  | 'intOrString'
  | 'any'
  | 'stringMap'
  | 'quantityMap'
  | { object: Record<string, FieldType> }
  | { list: FieldType; key?: string[] };

const obj = (fields: Record<string, FieldType>): FieldType => ({
  object: fields,
});
const list = (item: FieldType, ...key: string[]): FieldType => ({
  list: item,
  key: key.length ? key : undefined,
});

const objectMeta = obj({
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  labels: 'stringMap',
  annotations: 'stringMap',
  finalizers: list('string'),
  ownerReferences: list('any'),
  uid: 'string',
  resourceVersion: 'string',
  generation: 'integer',
  creationTimestamp: 'any',
  managedFields: list('any'),
});

const labelSelector = obj({
  matchLabels: 'stringMap',
  matchExpressions: list('any'),
});

const envVar = obj({ name: 'string', value: 'string', valueFrom: 'any' });

const containerPort = obj({
  name: 'string',
  containerPort: 'integer',
  hostPort: 'integer',
  hostIP: 'string',
  protocol: 'string',
});

const resources = obj({
  limits: 'quantityMap',
  requests: 'quantityMap',
  claims: list('any'),
});

const container = obj({
  name: 'string',
  image: 'string',
  imagePullPolicy: 'string',
  command: list('string'),
  args: list('string'),
  workingDir: 'string',
  ports: list(containerPort, 'containerPort', 'protocol'),
  env: list(envVar, 'name'),
  envFrom: list('any'),
  resources,
  resizePolicy: list('any'),
  restartPolicy: 'string',
  volumeMounts: list('any', 'mountPath'),
  volumeDevices: list('any'),
  livenessProbe: 'any',
  readinessProbe: 'any',
  startupProbe: 'any',
  lifecycle: 'any',
  terminationMessagePath: 'string',
  terminationMessagePolicy: 'string',
  securityContext: 'any',
  stdin: 'boolean',
  stdinOnce: 'boolean',
  tty: 'boolean',
});

const podSpec = obj({
  containers: list(container, 'name'),
  initContainers: list(container, 'name'),
  ephemeralContainers: list('any'),
  volumes: list('any', 'name'),
  restartPolicy: 'string',
  terminationGracePeriodSeconds: 'integer',
  activeDeadlineSeconds: 'integer',
  dnsPolicy: 'string',
  dnsConfig: 'any',
  nodeSelector: 'stringMap',
  nodeName: 'string',
  serviceAccountName: 'string',
  serviceAccount: 'string',
  automountServiceAccountToken: 'boolean',
  hostNetwork: 'boolean',
  hostPID: 'boolean',
  hostIPC: 'boolean',
  shareProcessNamespace: 'boolean',
  securityContext: 'any',
  imagePullSecrets: list('any'),
  hostname: 'string',
  subdomain: 'string',
  affinity: 'any',
  schedulerName: 'string',
  tolerations: list('any'),
  hostAliases: list('any'),
  priorityClassName: 'string',
  priority: 'integer',
  readinessGates: list('any'),
  runtimeClassName: 'string',
  enableServiceLinks: 'boolean',
  preemptionPolicy: 'string',
  overhead: 'quantityMap',
  topologySpreadConstraints: list('any'),
  setHostnameAsFQDN: 'boolean',
  os: 'any',
  hostUsers: 'boolean',
  schedulingGates: list('any'),
  resourceClaims: list('any'),
});

const podTemplate = obj({ metadata: objectMeta, spec: podSpec });

const status: FieldType = 'any';

function kind(
  spec: FieldType,
  extra: Record<string, FieldType> = {},
): FieldType {
  return obj({
    apiVersion: 'string',
    kind: 'string',
    metadata: objectMeta,
    spec,
    status,
    ...extra,
  });
}

export const SCHEMAS: Record<string, FieldType> = {
  'apps/Deployment': kind(
    obj({
      replicas: 'integer',
      selector: labelSelector,
      template: podTemplate,
      strategy: 'any',
      minReadySeconds: 'integer',
      revisionHistoryLimit: 'integer',
      paused: 'boolean',
      progressDeadlineSeconds: 'integer',
    }),
  ),
  'apps/StatefulSet': kind(
    obj({
      replicas: 'integer',
      selector: labelSelector,
      template: podTemplate,
      serviceName: 'string',
      volumeClaimTemplates: list('any'),
      podManagementPolicy: 'string',
      updateStrategy: 'any',
      revisionHistoryLimit: 'integer',
      minReadySeconds: 'integer',
      persistentVolumeClaimRetentionPolicy: 'any',
      ordinals: 'any',
    }),
  ),
  'apps/DaemonSet': kind(
    obj({
      selector: labelSelector,
      template: podTemplate,
      updateStrategy: 'any',
      minReadySeconds: 'integer',
      revisionHistoryLimit: 'integer',
    }),
  ),
  'batch/Job': kind(
    obj({
      parallelism: 'integer',
      completions: 'integer',
      activeDeadlineSeconds: 'integer',
      backoffLimit: 'integer',
      backoffLimitPerIndex: 'integer',
      maxFailedIndexes: 'integer',
      selector: labelSelector,
      manualSelector: 'boolean',
      template: podTemplate,
      ttlSecondsAfterFinished: 'integer',
      completionMode: 'string',
      suspend: 'boolean',
      podFailurePolicy: 'any',
      podReplacementPolicy: 'string',
    }),
  ),
  '/Service': kind(
    obj({
      type: 'string',
      selector: 'stringMap',
      ports: list(
        obj({
          name: 'string',
          protocol: 'string',
          appProtocol: 'string',
          port: 'integer',
          targetPort: 'intOrString',
          nodePort: 'integer',
        }),
        'port',
        'protocol',
      ),
      clusterIP: 'string',
      clusterIPs: list('string'),
      externalIPs: list('string'),
      sessionAffinity: 'string',
      sessionAffinityConfig: 'any',
      loadBalancerIP: 'string',
      loadBalancerSourceRanges: list('string'),
      loadBalancerClass: 'string',
      externalName: 'string',
      externalTrafficPolicy: 'string',
      internalTrafficPolicy: 'string',
      healthCheckNodePort: 'integer',
      publishNotReadyAddresses: 'boolean',
      ipFamilies: list('string'),
      ipFamilyPolicy: 'string',
      allocateLoadBalancerNodePorts: 'boolean',
      trafficDistribution: 'string',
    }),
  ),
  '/ConfigMap': obj({
    apiVersion: 'string',
    kind: 'string',
    metadata: objectMeta,
    data: 'stringMap',
    binaryData: 'stringMap',
    immutable: 'boolean',
  }),
  '/Secret': obj({
    apiVersion: 'string',
    kind: 'string',
    metadata: objectMeta,
    data: 'stringMap',
    stringData: 'stringMap',
    type: 'string',
    immutable: 'boolean',
    sops: 'any',
  }),
  '/Namespace': kind(obj({ finalizers: list('string') })),
  '/ServiceAccount': obj({
    apiVersion: 'string',
    kind: 'string',
    metadata: objectMeta,
    secrets: list('any'),
    imagePullSecrets: list('any'),
    automountServiceAccountToken: 'boolean',
  }),
};
