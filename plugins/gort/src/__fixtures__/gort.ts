import type { Entity } from '@backstage/catalog-model';
import type {
  EntityGortStatus,
  EntityGortStatusList,
  Run,
  RunList,
  RunSummary,
  Watcher,
} from '@gort-backstage/plugin-gort-common';

/** Fixtures shaped like the GORT backend's answers for a podinfo deployment. */

export const GOOD_SHA = '3c1f9e07b2d84a6f95e0c4b7d1a2e3f405162738';
export const BAD_SHA = '9f3b1c2d4e5f60718293a4b5c6d7e8f901234567';
export const FAILED_RUN_ID = '6d0c1f52-8a3e-4b7f-9c21-5e4d3b2a1f00';
export const GOOD_RUN_ID = '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9';

export const podinfoEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    namespace: 'default',
    annotations: {
      'gort.io/flux-app': 'flux-system/podinfo',
      'gort.io/target-repo': 'acme/podinfo-gitops',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    lifecycle: 'production',
  },
};

export const podinfoWatcher: Watcher = {
  entityRef: 'component:default/podinfo',
  objects: [
    { kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' },
  ],
  targetRepo: { owner: 'acme', repo: 'podinfo-gitops' },
  docsPaths: ['docs/plans/'],
  mode: 'fix-pr',
  problems: [],
  updatedAt: '2026-11-23T09:00:00Z',
};

export const failedRunSummary: RunSummary = {
  id: FAILED_RUN_ID,
  entityRef: 'component:default/podinfo',
  repo: 'acme/podinfo-gitops',
  branch: 'main',
  sha: BAD_SHA,
  trigger: 'push',
  state: 'done',
  outcome: 'failed',
  category: 'image-pull',
  commit: {
    message: 'podinfo: bump image to 6.7.2',
    author: 'Jane Doe',
    url: `https://github.com/acme/podinfo-gitops/commit/${BAD_SHA}`,
    timestamp: '2026-11-23T09:40:00Z',
  },
  fixPr: {
    status: 'opened',
    url: 'https://github.com/acme/podinfo-gitops/pull/42',
    number: 42,
    prState: 'open',
  },
  createdAt: '2026-11-23T09:40:05Z',
  updatedAt: '2026-11-23T09:46:10Z',
  deadlineAt: '2026-11-23T09:50:05Z',
  finishedAt: '2026-11-23T09:46:10Z',
};

export const goodRunSummary: RunSummary = {
  id: GOOD_RUN_ID,
  entityRef: 'component:default/podinfo',
  repo: 'acme/podinfo-gitops',
  branch: 'main',
  sha: GOOD_SHA,
  trigger: 'push',
  state: 'done',
  outcome: 'succeeded',
  commit: { message: 'podinfo: raise replicas to 3', author: 'Sam Lee' },
  intentMet: true,
  createdAt: '2026-11-22T15:00:00Z',
  updatedAt: '2026-11-22T15:02:30Z',
  deadlineAt: '2026-11-22T15:10:00Z',
  finishedAt: '2026-11-22T15:02:30Z',
};

export const failedStatus: EntityGortStatus = {
  entityRef: 'component:default/podinfo',
  watcher: podinfoWatcher,
  objects: [
    {
      object: 'Kustomization/flux-system/podinfo',
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'podinfo',
      state: 'failed',
      reason: 'HealthCheckFailed',
      message:
        "health check failed after 5m0s: timeout waiting for: [Deployment/podinfo/podinfo status: 'InProgress']",
      lastAppliedRevision: `main@sha1:${GOOD_SHA}`,
      lastAttemptedRevision: `main@sha1:${BAD_SHA}`,
      lastTransitionTime: '2026-11-23T09:45:40Z',
      observedGenerationCurrent: true,
      source: {
        kind: 'GitRepository',
        namespace: 'flux-system',
        name: 'podinfo',
        revision: `main@sha1:${BAD_SHA}`,
        ready: true,
      },
    },
  ],
  latestRun: failedRunSummary,
};

export const readyStatus: EntityGortStatus = {
  entityRef: 'component:default/podinfo',
  watcher: podinfoWatcher,
  objects: [
    {
      ...failedStatus.objects[0],
      state: 'ready',
      reason: 'ReconciliationSucceeded',
      message: `Applied revision: main@sha1:${GOOD_SHA}`,
      lastAppliedRevision: `main@sha1:${GOOD_SHA}`,
      lastAttemptedRevision: `main@sha1:${GOOD_SHA}`,
      source: {
        ...failedStatus.objects[0].source!,
        revision: `main@sha1:${GOOD_SHA}`,
      },
    },
  ],
  latestRun: goodRunSummary,
};

export const runPage1: RunList = {
  items: [failedRunSummary, goodRunSummary],
  nextCursor: '18',
};

export const runPage2: RunList = {
  items: [
    {
      ...goodRunSummary,
      id: '0a0b0c0d-0e0f-4011-8213-141516171819',
      sha: '0123456789abcdef0123456789abcdef01234567',
      commit: { message: 'podinfo: initial deployment', author: 'Sam Lee' },
      createdAt: '2026-11-20T08:00:00Z',
      finishedAt: '2026-11-20T08:03:00Z',
    },
  ],
};

export const failedRun: Run = {
  ...failedRunSummary,
  fixPr: {
    status: 'opened',
    message: 'Opened a pull request that restores the image tag 6.7.1',
    url: 'https://github.com/acme/podinfo-gitops/pull/42',
    number: 42,
    branch: 'gort/fix-image-pull-podinfo',
    prState: 'open',
    validation: [
      {
        check: 'paths',
        ok: true,
        detail: 'apps/podinfo/deployment.yaml is inside apps/podinfo/**',
      },
      { check: 'yaml', ok: true, detail: '2 documents parse' },
      {
        check: 'kustomize-build',
        ok: false,
        detail: 'kustomize binary not available: skipped',
      },
    ],
    files: [
      'apps/podinfo/deployment.yaml',
      'docs/plans/2026-11-23-fix-image-pull-podinfo.md',
    ],
  },
  objects: podinfoWatcher.objects,
  beforeSha: GOOD_SHA,
  timeline: [
    {
      at: '2026-11-23T09:40:05Z',
      state: 'queued',
      message: 'push to main by Jane Doe',
    },
    {
      at: '2026-11-23T09:40:06Z',
      state: 'waiting_for_source',
      message: 'waiting for GitRepository flux-system/podinfo',
    },
    {
      at: '2026-11-23T09:40:40Z',
      state: 'reconciling',
      message: `source serves main@sha1:${BAD_SHA}`,
    },
    {
      at: '2026-11-23T09:45:40Z',
      state: 'failed',
      message: 'Kustomization/flux-system/podinfo: HealthCheckFailed',
    },
    {
      at: '2026-11-23T09:45:41Z',
      state: 'diagnosing',
      message: 'collecting evidence',
    },
    {
      at: '2026-11-23T09:46:10Z',
      state: 'done',
      message: 'fix pull request #42 opened',
    },
  ],
  verdicts: [
    {
      object: 'Kustomization/flux-system/podinfo',
      state: 'failed',
      detail: 'HealthCheckFailed at the pushed revision',
      at: '2026-11-23T09:45:40Z',
    },
  ],
  failure: {
    object: 'Kustomization/flux-system/podinfo',
    reason: 'HealthCheckFailed',
    message: failedStatus.objects[0].message!,
  },
  evidence: [
    {
      source: 'condition Kustomization/flux-system/podinfo Ready',
      message: 'False HealthCheckFailed: health check failed after 5m0s',
    },
    {
      source: 'event Pod/podinfo/podinfo-7d9f8b6c5-x2k4q',
      message:
        'Warning Failed: Failed to pull image "ghcr.io/stefanprodan/podinfo:6.7.2x": not found',
    },
    {
      source: 'pod podinfo/podinfo-7d9f8b6c5-x2k4q container podinfo',
      message: 'waiting: ImagePullBackOff (restarts 0)',
    },
    {
      source: 'logs podinfo/podinfo-7d9f8b6c5-x2k4q podinfo',
      message:
        '{"level":"info","msg":"Starting podinfo","version":"6.7.1"}\n{"level":"info","msg":"token=[REDACTED]"}',
    },
  ],
  diagnosis: {
    category: 'image-pull',
    object: 'Kustomization/flux-system/podinfo',
    summary:
      'Deployment podinfo/podinfo cannot pull ghcr.io/stefanprodan/podinfo:6.7.2x',
    fix: 'Set the image tag in apps/podinfo/deployment.yaml back to an existing tag (6.7.1).',
    confidence: 0.92,
    evidence: [],
    related: ['Deployment/podinfo/podinfo'],
  },
  ai: {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    summary: 'The tag 6.7.2x does not exist in the registry.',
    rootCause: 'A typo in the image tag of the podinfo Deployment.',
    confidence: 0.9,
    tokens: { input: 5120, output: 640 },
  },
};

export const succeededRun: Run = {
  ...goodRunSummary,
  fixPr: undefined,
  objects: podinfoWatcher.objects,
  timeline: [
    {
      at: '2026-11-22T15:00:00Z',
      state: 'queued',
      message: 'push to main by Sam Lee',
    },
    {
      at: '2026-11-22T15:01:50Z',
      state: 'succeeded',
      message: 'all objects applied the pushed revision',
    },
    { at: '2026-11-22T15:02:30Z', state: 'done', message: 'intent met' },
  ],
  verdicts: [
    {
      object: 'Kustomization/flux-system/podinfo',
      state: 'succeeded',
      detail: `applied main@sha1:${GOOD_SHA}`,
      at: '2026-11-22T15:01:50Z',
    },
  ],
  evidence: [],
  intent: {
    met: true,
    confidence: 1,
    mode: 'runtime-health',
    plans: [],
    findings: [
      {
        expectation: 'Deployment podinfo/podinfo is available',
        observed: '3/3 replicas ready',
        status: 'met',
      },
      {
        expectation: 'no container restarts',
        observed: '0 restarts',
        status: 'met',
      },
    ],
  },
};

const checkoutStatus: EntityGortStatus = {
  entityRef: 'component:default/checkout',
  watcher: {
    ...podinfoWatcher,
    entityRef: 'component:default/checkout',
    objects: [
      {
        cluster: 'prod',
        kind: 'HelmRelease',
        namespace: 'shop',
        name: 'checkout',
      },
    ],
  },
  objects: [
    {
      object: 'prod:HelmRelease/shop/checkout',
      cluster: 'prod',
      kind: 'HelmRelease',
      namespace: 'shop',
      name: 'checkout',
      state: 'ready',
      reason: 'UpgradeSucceeded',
      lastAppliedRevision: '4.2.0',
      observedGenerationCurrent: true,
    },
  ],
};

export const orgStatuses: EntityGortStatusList = {
  items: [readyStatus, failedStatus, checkoutStatus].map((status, index) =>
    index === 0
      ? { ...status, entityRef: 'component:default/catalog-api' }
      : status,
  ),
};

export const ownerEntities: Entity[] = [
  { ...podinfoEntity },
  {
    ...podinfoEntity,
    metadata: { ...podinfoEntity.metadata, name: 'catalog-api' },
    spec: { ...podinfoEntity.spec, owner: 'group:default/team-b' },
  },
  {
    ...podinfoEntity,
    metadata: { ...podinfoEntity.metadata, name: 'checkout' },
    spec: { ...podinfoEntity.spec, owner: 'group:default/team-b' },
  },
];
