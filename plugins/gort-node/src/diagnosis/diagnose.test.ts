import { FAILURE_CATEGORIES } from '@gort-backstage/plugin-gort-common';
import type { KubeObject } from '../kube/objects';
import { diagnose, diagnoseAll, TargetNotFoundError } from './diagnose';
import { RULES } from './rules';
import {
  deployment,
  gitRepository,
  helmChart,
  helmRelease,
  helmRepository,
  kustomization,
  kustomizationV1beta2,
  ociRepository,
  pod,
  warningEvent,
} from './__testUtils__/builders';

// Messages below follow the controllers' templates (fluxcd/pkg ssa, kustomize-controller,
// helm-controller, source-controller, kubelet/scheduler) with names unlike the fixtures'.

interface CategoryCase {
  name: string;
  objects: KubeObject[];
  category: string;
  object: string;
  mentions?: RegExp;
}

const ks = (reason: string, message: string) =>
  kustomization('shop', { namespace: 'apps', reason, message });
const hr = (reason: string, message: string, extra = {}) =>
  helmRelease('cart', { namespace: 'shop', reason, message, ...extra });

const categoryCases: CategoryCase[] = [
  {
    name: 'source-auth: HTTPS clone without credentials',
    objects: [
      gitRepository('platform', {
        reason: 'GitOperationFailed',
        message:
          "failed to checkout and determine revision: unable to clone 'https://git.example.org/team/infra.git': authentication required",
      }),
    ],
    category: 'source-auth',
    object: 'GitRepository/flux-system/platform',
    mentions: /not fixable in Git/,
  },
  {
    name: 'source-auth: OCI registry refuses the pull',
    objects: [
      ociRepository('manifests', {
        reason: 'OCIArtifactPullFailed',
        message:
          "failed to pull artifact from 'oci://registry.example.org/team/manifests': GET https://registry.example.org/v2/team/manifests/manifests/latest: UNAUTHORIZED: authentication required",
      }),
    ],
    category: 'source-auth',
    object: 'OCIRepository/flux-system/manifests',
  },
  {
    name: 'source-not-found: repository gone',
    objects: [
      gitRepository('platform', {
        reason: 'GitOperationFailed',
        message:
          "failed to checkout and determine revision: unable to clone 'https://git.example.org/team/old-infra': repository not found",
      }),
    ],
    category: 'source-not-found',
    object: 'GitRepository/flux-system/platform',
  },
  {
    name: 'source-not-found: chart version not published',
    objects: [
      helmChart('shop-cart', {
        reason: 'InvalidChartReference',
        message:
          "invalid chart reference: failed to get chart version for remote reference: no 'cart' chart with version matching '9.9.*' found",
      }),
    ],
    category: 'source-not-found',
    object: 'HelmChart/flux-system/shop-cart',
  },
  {
    name: 'source-unavailable: DNS failure',
    objects: [
      helmRepository('charts', {
        reason: 'IndexationFailed',
        message:
          'failed to fetch Helm repository index: failed to cache index to temporary file: Get "https://charts.example.org/index.yaml": dial tcp: lookup charts.example.org on 10.96.0.10:53: no such host',
      }),
    ],
    category: 'source-unavailable',
    object: 'HelmRepository/flux-system/charts',
  },
  {
    name: 'path-not-found',
    objects: [
      ks(
        'ArtifactFailed',
        'kustomization path not found: stat /tmp/kustomization-4100/clusters/staging-eu: no such file or directory',
      ),
    ],
    category: 'path-not-found',
    object: 'Kustomization/apps/shop',
    mentions: /spec\.path/,
  },
  {
    name: 'kustomize-build: patch target missing',
    objects: [
      ks(
        'BuildFailed',
        'kustomize build failed: no resource matches strategic merge patch "Deployment.v1.apps/web.[noNs]": no matches for Id Deployment.v1.apps/web.[noNs]; failed to find unique target for patch Deployment.v1.apps/web.[noNs]',
      ),
    ],
    category: 'kustomize-build',
    object: 'Kustomization/apps/shop',
  },
  {
    name: 'invalid-yaml',
    objects: [
      ks(
        'BuildFailed',
        'kustomize build failed: map[string]interface {}(nil): yaml: line 14: mapping values are not allowed in this context',
      ),
    ],
    category: 'invalid-yaml',
    object: 'Kustomization/apps/shop',
    mentions: /line 14/,
  },
  {
    name: 'invalid-manifest',
    objects: [
      ks(
        'ReconciliationFailed',
        'Service/shop/frontend dry-run failed (Invalid): Service "frontend" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      ),
    ],
    category: 'invalid-manifest',
    object: 'Service/shop/frontend',
  },
  {
    name: 'immutable-field (old "reason:" wording)',
    objects: [
      kustomizationV1beta2('batch', {
        reason: 'ReconciliationFailed',
        message:
          'Job/ops/migrate-db dry-run failed, reason: Invalid, error: Job.batch "migrate-db" is invalid: spec.template: Invalid value: core.PodTemplateSpec{}: field is immutable',
      }),
    ],
    category: 'immutable-field',
    object: 'Job/ops/migrate-db',
    mentions: /kustomize\.toolkit\.fluxcd\.io\/force: enabled/,
  },
  {
    name: 'missing-crd',
    objects: [
      ks(
        'ReconciliationFailed',
        'ServiceMonitor/monitoring/api dry-run failed: no matches for kind "ServiceMonitor" in version "monitoring.coreos.com/v1"',
      ),
    ],
    category: 'missing-crd',
    object: 'ServiceMonitor/monitoring/api',
    mentions: /ServiceMonitor/,
  },
  {
    name: 'missing-dependency-object: namespace',
    objects: [
      ks(
        'ReconciliationFailed',
        'Deployment/payments/api not found: namespaces "payments" not found',
      ),
    ],
    category: 'missing-dependency-object',
    object: 'Deployment/payments/api',
    mentions: /payments/,
  },
  {
    name: 'rbac-forbidden',
    objects: [
      ks(
        'ReconciliationFailed',
        'ClusterRole/aggregate-viewer dry-run failed (Forbidden): clusterroles.rbac.authorization.k8s.io "aggregate-viewer" is forbidden: User "system:serviceaccount:team-a:reconciler" cannot patch resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope',
      ),
    ],
    category: 'rbac-forbidden',
    object: 'ClusterRole/aggregate-viewer',
    mentions: /serviceAccountName/,
  },
  {
    name: 'admission-webhook',
    objects: [
      ks(
        'ReconciliationFailed',
        'Deployment/shop/cart dry-run failed (BadRequest): admission webhook "validate.kyverno.svc-fail" denied the request: policy Deployment/shop/cart for resource violation: require-requests-limits: CPU and memory resource requests and limits are required',
      ),
    ],
    category: 'admission-webhook',
    object: 'Deployment/shop/cart',
  },
  {
    name: 'decryption',
    objects: [
      ks(
        'BuildFailed',
        "decryption failed for 'v1, Kind=Secret/db-credentials': failed to decrypt sops data key with age identities: no identity matched any of the recipients",
      ),
    ],
    category: 'decryption',
    object: 'Kustomization/apps/shop',
  },
  {
    name: 'substitution',
    objects: [
      ks(
        'BuildFailed',
        'post build failed for \'v1, Kind=ConfigMap/settings\': variable substitution failed: variable not set (strict mode): "CLUSTER_DOMAIN"',
      ),
    ],
    category: 'substitution',
    object: 'Kustomization/apps/shop',
    mentions: /CLUSTER_DOMAIN/,
  },
  {
    name: 'helm-values: required value missing in template',
    objects: [
      hr(
        'InstallFailed',
        'Helm install failed for release shop/cart with chart cart@0.9.1: execution error at (cart/templates/deployment.yaml:31:20): image.repository is required',
      ),
    ],
    category: 'helm-values',
    object: 'HelmRelease/shop/cart',
  },
  {
    name: 'helm-hook-or-test: pre-upgrade hook',
    objects: [
      hr(
        'UpgradeFailed',
        'Helm upgrade failed for release shop/cart with chart cart@1.2.0: pre-upgrade hooks failed: 1 error occurred: * job failed: BackoffLimitExceeded',
      ),
    ],
    category: 'helm-hook-or-test',
    object: 'HelmRelease/shop/cart',
  },
  {
    name: 'helm-release-state: no deployed releases',
    objects: [
      hr(
        'UpgradeFailed',
        'Helm upgrade failed for release shop/cart with chart cart@1.2.0: "cart" has no deployed releases',
      ),
    ],
    category: 'helm-release-state',
    object: 'HelmRelease/shop/cart',
    mentions: /not fixable in Git/,
  },
  {
    name: 'ownership-conflict',
    objects: [
      hr(
        'InstallFailed',
        'Helm install failed for release shop/cart with chart cart@1.2.0: Unable to continue with install: ServiceAccount "cart" in namespace "shop" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"',
      ),
    ],
    category: 'ownership-conflict',
    object: 'HelmRelease/shop/cart',
  },
  {
    name: 'prune-failed (by reason, despite an RBAC message)',
    objects: [
      ks(
        'PruneFailed',
        'ConfigMap/apps/legacy-settings deletion failed: configmaps "legacy-settings" is forbidden: User "system:serviceaccount:apps:deployer" cannot delete resource "configmaps"',
      ),
    ],
    category: 'prune-failed',
    object: 'Kustomization/apps/shop',
  },
  {
    name: 'retries-exhausted: Stalled when the last error is opaque',
    objects: [
      helmRelease(
        'cart',
        {
          namespace: 'shop',
          reason: 'UpgradeFailed',
          message:
            'Helm upgrade failed for release shop/cart with chart cart@1.2.0: something odd happened',
          stalled: {
            reason: 'RetriesExceeded',
            message: 'Failed to upgrade after 3 attempt(s)',
          },
        },
        'helm.toolkit.fluxcd.io/v2beta2',
      ),
    ],
    category: 'retries-exhausted',
    object: 'HelmRelease/shop/cart',
    mentions: /3 upgrade attempt/,
  },
  {
    name: 'health-check-timeout naming the unready object',
    objects: [
      ks(
        'HealthCheckFailed',
        "health check failed after 5m0.004s: timeout waiting for: [StatefulSet/data/postgres status: 'InProgress']",
      ),
    ],
    category: 'health-check-timeout',
    object: 'StatefulSet/data/postgres',
  },
  {
    name: 'dependency-not-ready (dependency absent from input)',
    objects: [
      ks('DependencyNotReady', "dependency 'infra/cert-manager' is not ready"),
    ],
    category: 'dependency-not-ready',
    object: 'Kustomization/infra/cert-manager',
  },
];

const shopDeployment = deployment('shop', 'cart', {
  annotations: {
    'meta.helm.sh/release-name': 'cart',
    'meta.helm.sh/release-namespace': 'shop',
  },
});

const podCases: CategoryCase[] = [
  {
    name: 'image-pull: Helm wait timeout, pods of the release cannot pull',
    objects: [
      hr(
        'InstallFailed',
        'Helm install failed for release shop/cart with chart cart@1.3.0: timed out waiting for the condition',
      ),
      shopDeployment,
      pod('shop', 'cart', {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'cart',
            ready: false,
            restartCount: 0,
            state: {
              waiting: {
                reason: 'ErrImagePull',
                message:
                  'rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.org/shop/cart:1.3.0": not found',
              },
            },
          },
        ],
      }),
    ],
    category: 'image-pull',
    object: 'Deployment/shop/cart',
    mentions: /registry\.example\.org\/shop\/cart:1\.3\.0/,
  },
  {
    name: 'workload-failed: crash loop behind a health check',
    objects: [
      ks(
        'HealthCheckFailed',
        "health check failed after 3m0s: timeout waiting for: [Deployment/shop/cart status: 'InProgress']",
      ),
      shopDeployment,
      pod('shop', 'cart', {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'cart',
            ready: false,
            restartCount: 7,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: 'back-off 5m0s restarting failed container=cart',
              },
            },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          },
        ],
      }),
    ],
    category: 'workload-failed',
    object: 'Deployment/shop/cart',
  },
  {
    name: 'oom-killed: Helm wait timeout, pods of the release OOMKilled',
    objects: [
      hr(
        'UpgradeFailed',
        'Helm upgrade failed for release shop/cart with chart cart@1.3.0: context deadline exceeded',
      ),
      shopDeployment,
      pod('shop', 'cart', {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'cart',
            ready: false,
            restartCount: 4,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: 'back-off 1m20s restarting failed container=cart',
              },
            },
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
          },
        ],
      }),
    ],
    category: 'oom-killed',
    object: 'Deployment/shop/cart',
    mentions: /limits\.memory/,
  },
  {
    name: 'unschedulable: pending pod behind a health check',
    objects: [
      ks(
        'HealthCheckFailed',
        "health check failed after 10m0s: timeout waiting for: [Deployment/shop/cart status: 'InProgress']",
      ),
      shopDeployment,
      pod('shop', 'cart', {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message:
              '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
          },
        ],
      }),
    ],
    category: 'unschedulable',
    object: 'Deployment/shop/cart',
    mentions: /requests/,
  },
];

describe('diagnose: one case per taxonomy category', () => {
  it.each([...categoryCases, ...podCases].map(c => [c.name, c] as const))(
    '%s',
    (_name, c) => {
      const diagnosis = diagnose(c.objects);
      expect(diagnosis).toBeDefined();
      expect(diagnosis!.category).toBe(c.category);
      expect(diagnosis!.object).toBe(c.object);
      expect(diagnosis!.confidence).toBeGreaterThanOrEqual(0.5);
      // cases without `mentions` match anything
      expect(`${diagnosis!.summary}\n${diagnosis!.fix}`).toMatch(
        c.mentions ?? /[\s\S]*/,
      );
    },
  );

  it('covers every category of the taxonomy with a rule and, except unknown, a test above', () => {
    const ruled = new Set(RULES.map(r => r.category));
    const tested = new Set(
      [...categoryCases, ...podCases].map(c => c.category),
    );
    for (const category of FAILURE_CATEGORIES.filter(c => c !== 'unknown')) {
      expect({ category, ruled: ruled.has(category) }).toEqual({
        category,
        ruled: true,
      });
      expect({ category, tested: tested.has(category) }).toEqual({
        category,
        tested: true,
      });
    }
  });
});

describe('diagnose: walking upstream', () => {
  const failingRepo = gitRepository('platform', {
    reason: 'GitOperationFailed',
    message:
      "failed to checkout and determine revision: unable to clone 'ssh://git@git.example.org/team/infra': ssh: handshake failed: knownhosts: key mismatch",
  });

  it('blames the GitRepository when the Kustomization has no artifact', () => {
    const apps = kustomization('apps', {
      reason: 'ArtifactFailed',
      message: 'Source artifact not found, retrying in 30s',
    });
    const diagnosis = diagnose([apps, failingRepo])!;
    expect(diagnosis.category).toBe('source-auth');
    expect(diagnosis.object).toBe('GitRepository/flux-system/platform');
    expect(diagnosis.related).toEqual(['Kustomization/flux-system/apps']);
    expect(diagnosis.evidence.map(e => e.source)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'GitRepository/flux-system/platform condition Ready=False',
        ),
      ]),
    );
  });

  it('names the source even when it is not in the input', () => {
    const apps = kustomization('apps', {
      reason: 'ArtifactFailed',
      message: 'Source artifact not found, retrying in 30s',
    });
    const diagnosis = diagnose([apps], 'Kustomization/flux-system/apps')!;
    expect(diagnosis.category).toBe('source-unavailable');
    expect(diagnosis.object).toBe('GitRepository/flux-system/platform');
    expect(diagnosis.confidence).toBeLessThan(0.5);
  });

  it('follows HelmRelease → HelmChart → HelmRepository', () => {
    const release = helmRelease('cart', {
      namespace: 'shop',
      reason: 'ArtifactFailed',
      message:
        "HelmChart 'flux-system/shop-cart' is not ready: latest generation of object has not been reconciled",
    });
    release.status.helmChart = 'flux-system/shop-cart';
    const chart = helmChart('shop-cart', {
      reason: 'ArtifactFailed',
      message:
        "HelmRepository 'flux-system/charts' is not ready: artifact not found",
    });
    const repository = helmRepository('charts', {
      reason: 'AuthenticationFailed',
      message:
        'failed to get authentication secret \'flux-system/charts-auth\': secrets "charts-auth" not found',
    });
    const diagnosis = diagnose(
      [release, chart, repository],
      'HelmRelease/shop/cart',
    )!;
    expect(diagnosis.category).toBe('source-auth');
    expect(diagnosis.object).toBe('HelmRepository/flux-system/charts');
    expect(diagnosis.related).toEqual(
      expect.arrayContaining([
        'HelmRelease/shop/cart',
        'HelmChart/flux-system/shop-cart',
      ]),
    );
  });

  it('finds ImagePullBackOff pods behind a health-check timeout', () => {
    const apps = kustomization('apps', {
      reason: 'HealthCheckFailed',
      message:
        "health check failed after 3m0.02s: timeout waiting for: [Deployment/shop/cart status: 'InProgress', Service/shop/cart status: 'Current']",
    });
    const cartPod = pod('shop', 'cart', {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'cart',
          ready: false,
          restartCount: 0,
          state: {
            waiting: {
              reason: 'ImagePullBackOff',
              message:
                'Back-off pulling image "registry.example.org/shop/cart:v9.9.9"',
            },
          },
        },
      ],
    });
    const pullEvent = warningEvent(
      cartPod,
      'Failed',
      'Failed to pull image "registry.example.org/shop/cart:v9.9.9": rpc error: code = NotFound desc = failed to resolve reference: not found',
    );
    const diagnosis = diagnose([
      apps,
      deployment('shop', 'cart'),
      cartPod,
      pullEvent,
    ])!;
    expect(diagnosis.category).toBe('image-pull');
    expect(diagnosis.object).toBe('Deployment/shop/cart');
    expect(diagnosis.related).toEqual(['Kustomization/flux-system/apps']);
    expect(diagnosis.fix).toContain('registry.example.org/shop/cart:v9.9.9');
    expect(
      diagnosis.evidence.some(e => e.source.startsWith('Pod/shop/cart-')),
    ).toBe(true);
  });

  it('explains dependency-not-ready with the dependency’s own cause', () => {
    const infra = kustomization('infra', {
      reason: 'ReconciliationFailed',
      message:
        'Certificate/ingress/wildcard dry-run failed: no matches for kind "Certificate" in version "cert-manager.io/v1"',
    });
    const apps = kustomization('apps', {
      reason: 'DependencyNotReady',
      message: "dependency 'flux-system/infra' is not ready",
      spec: { dependsOn: [{ name: 'infra' }] },
    });
    const diagnosis = diagnose(
      [apps, infra],
      'Kustomization/flux-system/apps',
    )!;
    expect(diagnosis.category).toBe('dependency-not-ready');
    expect(diagnosis.object).toBe('Kustomization/flux-system/infra');
    expect(diagnosis.summary).toContain('missing-crd');
    expect(diagnosis.related).toContain('Certificate/ingress/wildcard');
    expect(diagnosis.fix).toMatch(/CRD/);
  });

  it('without a target, picks the dependency’s cause as the root and lists the waiting object', () => {
    const infra = kustomization('infra', {
      reason: 'ReconciliationFailed',
      message:
        'Certificate/ingress/wildcard dry-run failed: no matches for kind "Certificate" in version "cert-manager.io/v1"',
    });
    const apps = kustomization('apps', {
      reason: 'DependencyNotReady',
      message: "dependency 'flux-system/infra' is not ready",
    });
    const diagnosis = diagnose([apps, infra])!;
    expect(diagnosis.category).toBe('missing-crd');
    expect(diagnosis.object).toBe('Certificate/ingress/wildcard');
    expect(diagnosis.related).toEqual(
      expect.arrayContaining([
        'Kustomization/flux-system/infra',
        'Kustomization/flux-system/apps',
      ]),
    );
  });

  it('diagnoseAll groups failures that share a root cause', () => {
    const apps = kustomization('apps', {
      reason: 'ArtifactFailed',
      message: 'Source artifact not found, retrying in 30s',
    });
    const web = kustomization('web', {
      reason: 'ArtifactFailed',
      message: 'Source artifact not found, retrying in 30s',
    });
    const broken = kustomization('broken', {
      reason: 'BuildFailed',
      message:
        'kustomize build failed: accumulating resources: missing.yaml: no such file or directory',
    });
    const all = diagnoseAll([apps, web, failingRepo, broken]);
    expect(all.map(d => [d.category, d.object])).toEqual([
      ['source-auth', 'GitRepository/flux-system/platform'],
      ['kustomize-build', 'Kustomization/flux-system/broken'],
    ]);
    expect(all[0].related.sort()).toEqual([
      'Kustomization/flux-system/apps',
      'Kustomization/flux-system/web',
    ]);
  });

  it('uses events when the condition only says the Helm action timed out', () => {
    const release = hr(
      'InstallFailed',
      'Helm install failed for release shop/cart with chart cart@2.0.0: context deadline exceeded',
    );
    const event = warningEvent(
      release,
      'InstallFailed',
      '0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient nvidia.com/gpu.',
    );
    const diagnosis = diagnose([release, event])!;
    expect(diagnosis.category).toBe('unschedulable');
    expect(diagnosis.object).toBe('HelmRelease/shop/cart');
  });
});

describe('diagnose: what does not fail, and what no rule knows', () => {
  it('returns unknown with low confidence for gibberish', () => {
    const diagnosis = diagnose([
      ks(
        'ReconciliationFailed',
        'zorblax flimmered the quux; frobnication halted',
      ),
    ])!;
    expect(diagnosis.category).toBe('unknown');
    expect(diagnosis.object).toBe('Kustomization/apps/shop');
    expect(diagnosis.confidence).toBeLessThanOrEqual(0.2);
    expect(diagnosis.summary).toContain('zorblax');
  });

  it('produces no diagnosis for Ready=True objects', () => {
    const ready = kustomization('apps', {
      reason: 'ReconciliationSucceeded',
      message: 'Applied revision: main@sha1:1234',
      ready: 'True',
    });
    expect(diagnose([ready])).toBeUndefined();
    expect(diagnose([ready], 'Kustomization/flux-system/apps')).toBeUndefined();
    expect(diagnoseAll([ready])).toEqual([]);
  });

  it('throws when the target is not in the input', () => {
    expect(() => diagnose([], 'Kustomization/flux-system/missing')).toThrow(
      TargetNotFoundError,
    );
  });

  it('lowers confidence when the status describes an older generation', () => {
    const stale = kustomization('apps', {
      reason: 'BuildFailed',
      message:
        'kustomize build failed: yaml: line 3: did not find expected key',
      generation: 5,
      observedGeneration: 4,
    });
    const diagnosis = diagnose([stale])!;
    expect(diagnosis.category).toBe('invalid-yaml');
    expect(diagnosis.confidence).toBeLessThan(0.85);
    expect(
      diagnosis.evidence.some(e => e.message.includes('observedGeneration 4')),
    ).toBe(true);
  });

  it('bounds evidence and stays fast on hostile messages', () => {
    const hostile = `${'Deployment/a/b '.repeat(20000)}${'('.repeat(
      50000,
    )} dry-run failed ${'x'.repeat(200000)}`;
    const started = Date.now();
    const diagnosis = diagnose([ks('ReconciliationFailed', hostile)])!;
    expect(Date.now() - started).toBeLessThan(500);
    expect(diagnosis.evidence.every(e => e.message.length <= 1000)).toBe(true);
    expect(diagnosis.summary.length).toBeLessThan(1000);
  });
});

describe('diagnose: more walks and boundaries', () => {
  it('reads the dependency out of helm-controller’s newer wording', () => {
    const database = helmRelease('postgres', {
      namespace: 'data',
      reason: 'InstallFailed',
      message:
        "Helm install failed for release data/postgres with chart postgresql@15.2.0: values don't meet the specifications of the schema(s) in the following chart(s): postgresql: - primary.persistence.size: Invalid type. Expected: string, given: integer",
    });
    const api = helmRelease('api', {
      namespace: 'data',
      reason: 'DependencyNotReady',
      message:
        "dependencies do not meet ready condition (dependency 'data/postgres' is not ready): retrying in 30s",
    });
    const diagnosis = diagnose([api, database], 'HelmRelease/data/api')!;
    expect(diagnosis.category).toBe('dependency-not-ready');
    expect(diagnosis.object).toBe('HelmRelease/data/postgres');
    expect(diagnosis.summary).toContain('helm-values');
    expect(diagnosis.fix).toContain('spec.values');
  });

  it('ignores Flux kinds outside the taxonomy (image automation, notifications)', () => {
    const imageRepo: KubeObject = {
      apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
      kind: 'ImageRepository',
      metadata: { name: 'cart', namespace: 'flux-system' },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'ReconciliationFailed',
            message: 'authentication required',
          },
        ],
      },
    };
    expect(diagnoseAll([imageRepo])).toEqual([]);
  });
});

describe('diagnose: context evidence', () => {
  it('adds the source and dependency status, failing or not', () => {
    const source = gitRepository('platform', {
      reason: 'Succeeded',
      message: 'stored artifact for revision',
      ready: 'True',
    });
    source.status.artifact = {
      revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    };
    const infra = kustomization('infra', {
      reason: 'ReconciliationSucceeded',
      message: 'Applied revision',
      ready: 'True',
    });
    const apps = kustomization('apps', {
      reason: 'BuildFailed',
      message:
        'kustomize build failed: accumulating resources: missing.yaml: no such file or directory',
      spec: { dependsOn: [{ name: 'infra' }] },
    });
    const diagnosis = diagnose([apps, source, infra])!;
    expect(diagnosis.evidence).toEqual(
      expect.arrayContaining([
        {
          source: 'GitRepository/flux-system/platform status',
          message:
            'Ready=True (Succeeded), artifact main@sha1:0123456789abcdef0123456789abcdef01234567',
        },
        {
          source: 'Kustomization/flux-system/infra status',
          message: 'Ready=True (ReconciliationSucceeded)',
        },
      ]),
    );
  });
});

describe('diagnose: which condition is classified', () => {
  const withConditions = (
    release: KubeObject,
    extra: Array<Record<string, string>>,
  ): KubeObject => ({
    ...release,
    status: {
      ...release.status,
      conditions: [...(release.status?.conditions ?? []), ...extra],
    },
  });

  it('after a rollback, takes the category from the Released failure, not the remediation', () => {
    const release = withConditions(
      helmRelease('web', {
        namespace: 'apps',
        reason: 'RollbackSucceeded',
        message:
          'Helm rollback to previous release apps/web.v3 with chart web@1.1.0 succeeded',
      }),
      [
        {
          type: 'Released',
          status: 'False',
          reason: 'UpgradeFailed',
          message:
            'Helm upgrade failed for release apps/web with chart web@1.2.0: cannot patch "web" with kind Deployment: Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{}: field is immutable',
        },
      ],
    );
    const d = diagnose([release]);
    expect(d?.category).toBe('immutable-field');
  });

  it('after a failed test with retries exhausted, the test failure decides', () => {
    const release = withConditions(
      helmRelease('web', {
        namespace: 'apps',
        reason: 'TestFailed',
        message: 'Failed to install after 1 attempt(s)',
        stalled: {
          reason: 'RetriesExceeded',
          message: 'Failed to install after 1 attempt(s)',
        },
      }),
      [
        {
          type: 'TestSuccess',
          status: 'False',
          reason: 'TestFailed',
          message:
            'Helm test failed for release apps/web with chart web@1.2.0: 1 error occurred: * pod web-test-connection failed',
        },
      ],
    );
    expect(diagnose([release])?.category).toBe('helm-hook-or-test');
  });

  it('maps AccessDenied to rbac-forbidden and InvalidCELExpression to invalid-manifest', () => {
    const denied = kustomization('shop', {
      namespace: 'apps',
      reason: 'AccessDenied',
      message:
        "can't access 'GitRepository/infra/platform', cross-namespace references have been blocked",
    });
    expect(diagnose([denied])?.category).toBe('rbac-forbidden');
    const cel = kustomization('shop', {
      namespace: 'apps',
      reason: 'InvalidCELExpression',
      message:
        "failed to parse the CEL expression 'status.ready ==': Syntax error",
      stalled: {
        reason: 'InvalidCELExpression',
        message:
          "failed to parse the CEL expression 'status.ready ==': Syntax error",
      },
    });
    expect(diagnose([cel])?.category).toBe('invalid-manifest');
  });

  it('SourceNotReady without the source in the input is source-unavailable', () => {
    const release = helmRelease('web', {
      namespace: 'apps',
      reason: 'SourceNotReady',
      message:
        "HelmChart 'apps/apps-web' is not ready: latest generation of object has not been reconciled",
    });
    expect(diagnose([release])?.category).toBe('source-unavailable');
  });

  it("a message joining several objects' failures yields every affected object", () => {
    const k = kustomization('shop', {
      namespace: 'apps',
      reason: 'ReconciliationFailed',
      message:
        'Deployment/apps/web dry-run failed (Invalid): Deployment.apps "web" is invalid: spec.selector: field is immutable\nService/apps/web dry-run failed (Invalid): Service "web" is invalid: spec.clusterIPs[0]: field is immutable',
    });
    const d = diagnose([k]);
    expect(d?.object).toBe('Deployment/apps/web');
    expect(d?.related).toEqual(
      expect.arrayContaining(['Kustomization/apps/shop', 'Service/apps/web']),
    );
  });
});
