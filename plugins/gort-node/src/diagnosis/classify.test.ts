import {
  affectedObjects,
  classify,
  leadingObject,
  waitedObjects,
} from './classify';
import { RULES, RuleScope } from './rules';

// Variants of the controllers' message templates (old and new wordings), with
// names and values of our own: rules must classify messages they were not written from.
const variants: Array<[RuleScope, string | undefined, string, string]> = [
  [
    'kustomization',
    'ReconciliationFailed',
    'Deployment/web/api dry-run failed, reason: Invalid, error: Deployment.apps "api" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'invalid-manifest',
  ],
  [
    'kustomization',
    'ReconciliationFailed',
    'Deployment/web/api dry-run failed (Invalid): Deployment.apps "api" is invalid: spec.selector: Invalid value: v1.LabelSelector{}: field is immutable',
    'immutable-field',
  ],
  [
    'kustomization',
    'ReconciliationFailed',
    'Deployment/web/api dry-run failed (BadRequest): strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
    'invalid-manifest',
  ],
  [
    'kustomization',
    'ReconciliationFailed',
    'Ingress/web/site dry-run failed: no matches for kind "Ingress" in version "networking.k8s.io/v1beta1"',
    'missing-crd',
  ],
  [
    // fluxcd/pkg ssa/errors/errors.go writes "namespace not specified" only for an
    // object without a namespace (the 404 is the namespaced URL, not a missing CRD);
    // fluxcd/website#1256 fixes exactly this message with --target-namespace.
    'kustomization',
    'ReconciliationFailed',
    'ConfigMap/settings namespace not specified: the server could not find the requested resource',
    'invalid-manifest',
  ],
  [
    'kustomization',
    'ReconciliationFailed',
    'Role/tenant-b/reader not found: namespaces "tenant-b" not found',
    'missing-dependency-object',
  ],
  [
    'kustomization',
    'ReconciliationFailed',
    'Deployment/web/api dry-run failed (Forbidden): deployments.apps "api" is forbidden: User "system:serviceaccount:web:flux" cannot patch resource "deployments" in API group "apps" in the namespace "web"',
    'rbac-forbidden',
  ],
  [
    'kustomization',
    'ReconciliationFailed',
    'Pod/web/debug dry-run failed (Forbidden): pods "debug" is forbidden: violates PodSecurity "restricted:latest": privileged (container "sh" must not set securityContext.privileged=true)',
    'admission-webhook',
  ],
  [
    'kustomization',
    'ReconciliationFailed',
    'Gateway/edge/public dry-run failed (InternalError): Internal error occurred: failed calling webhook "validate.gateway.example.io": failed to call webhook: Post "https://gw-webhook.edge.svc:443/validate": context deadline exceeded',
    'admission-webhook',
  ],
  [
    'kustomization',
    'ReconciliationFailed',
    'Deployment/web/api dry-run failed (Conflict): Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    'ownership-conflict',
  ],
  [
    'kustomization',
    'BuildFailed',
    "kustomize build failed: accumulating resources: accumulation err='accumulating resources from 'ingress.yaml': evalsymlink failure on '/tmp/kustomization-1/ingress.yaml'",
    'kustomize-build',
  ],
  [
    'kustomization',
    'BuildFailed',
    'kustomize build failed: yaml: line 7: found character that cannot start any token',
    'invalid-yaml',
  ],
  [
    'kustomization',
    'BuildFailed',
    'kustomize build failed: error converting YAML to JSON: yaml: line 3: did not find expected key',
    'invalid-yaml',
  ],
  [
    'kustomization',
    'BuildFailed',
    "failed to decrypt and format 'secret.enc.yaml': sops metadata not found",
    'decryption',
  ],
  [
    'kustomization',
    'BuildFailed',
    'substitute from \'ConfigMap/cluster-vars\' error: configmaps "cluster-vars" not found',
    'missing-dependency-object',
  ],
  [
    'kustomization',
    'ArtifactFailed',
    'kustomization path not found: stat /tmp/kustomization-77/overlays/prod-eu: no such file or directory',
    'path-not-found',
  ],
  [
    'kustomization',
    'PruneFailed',
    'failed to delete Namespace/legacy: Operation cannot be fulfilled',
    'prune-failed',
  ],
  [
    'kustomization',
    'DependencyNotReady',
    "dependency 'platform/ingress-nginx' revision is not up to date",
    'dependency-not-ready',
  ],
  [
    'kustomization',
    'HealthCheckFailed',
    "timeout waiting for: [Deployment/web/api status: 'InProgress', StatefulSet/web/cache status: 'InProgress']",
    'health-check-timeout',
  ],
  [
    'kustomization',
    'HealthCheckFailed',
    "health check failed after 41ms: failed early due to stalled resources: [Job/web/seed status: 'Failed': Job has reached the specified backoff limit]",
    'workload-failed',
  ],
  [
    'helmrelease',
    'InstallFailed',
    'Helm install failed: another operation (install/upgrade/rollback) is in progress',
    'helm-release-state',
  ],
  [
    'helmrelease',
    'InstallFailed',
    'Helm install failed for release web/api with chart api@3.1.0: cannot re-use a name that is still in use',
    'helm-release-state',
  ],
  [
    'helmrelease',
    'UpgradeFailed',
    'Helm upgrade failed for release web/api with chart api@3.1.0: post-upgrade hooks failed: 1 error occurred: * timed out waiting for the condition',
    'helm-hook-or-test',
  ],
  [
    'helmrelease',
    'UpgradeFailed',
    "Helm upgrade failed for release web/api with chart api@3.1.0: values don't meet the specifications of the schema(s) in the following chart(s): api: - image.tag: Invalid type. Expected: string, given: integer",
    'helm-values',
  ],
  [
    'helmrelease',
    'InstallFailed',
    'Helm install failed for release web/api with chart api@3.1.0: rendered manifests contain a resource that already exists. Unable to continue with install: Service "api" in namespace "web" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "api": current value is "api-old"',
    'ownership-conflict',
  ],
  [
    'helmrelease',
    'InstallFailed',
    'Helm install failed for release web/api with chart api@3.1.0: timed out waiting for the condition',
    'health-check-timeout',
  ],
  [
    'helmrelease',
    'InstallFailed',
    'install retries exhausted',
    'retries-exhausted',
  ],
  [
    'helmrelease',
    'UpgradeFailed',
    'Helm upgrade failed for release web/api with chart api@3.1.0: cannot patch "api" with kind Deployment: Deployment.apps "api" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"api"}}: field is immutable',
    'immutable-field',
  ],
  [
    'helmrelease',
    'ValuesError',
    "could not resolve ConfigMap chart values reference 'web/api-overrides' with key 'overrides.yaml': key not found",
    'helm-values',
  ],
  [
    'helmrelease',
    'ValuesError',
    "could not resolve Secret chart values reference 'web/api-secrets' with key 'values.yaml': resource not found",
    'missing-dependency-object',
  ],
  [
    'helmrelease',
    'ValuesError',
    "could not resolve Secret chart values reference 'web/api-values' with key 'values.yaml': secrets \"api-values\" not found",
    'missing-dependency-object',
  ],
  [
    'helmrelease',
    'TestFailed',
    'Helm test failed for release web/api with chart api@3.1.0: pod api-smoke-test failed',
    'helm-hook-or-test',
  ],
  [
    'source',
    'GitOperationFailed',
    'failed to checkout and determine revision: unable to list remote for \'https://git.example.org/infra\': Get "https://git.example.org/infra/info/refs?service=git-upload-pack": dial tcp 10.0.0.9:443: i/o timeout',
    'source-unavailable',
  ],
  [
    'source',
    'GitOperationFailed',
    "failed to checkout and determine revision: unable to clone 'ssh://git@git.example.org/infra': ssh: handshake failed: knownhosts: key is unknown",
    'source-auth',
  ],
  [
    'source',
    'AuthenticationFailed',
    'failed to get secret \'flux-system/git-token\': secrets "git-token" not found',
    'source-auth',
  ],
  [
    'source',
    'ChartPullError',
    "chart pull error: failed to get chart version for remote reference: no 'api' chart with version matching '>=4.0.0' found",
    'source-not-found',
  ],
  [
    'source',
    'OCIArtifactPullFailed',
    'failed to determine artifact digest: GET https://registry.example.org/v2/manifests/app/tags/list: MANIFEST_UNKNOWN: manifest unknown',
    'source-not-found',
  ],
  [
    'source',
    'IndexationFailed',
    'failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch https://charts.example.org/index.yaml : 401 Unauthorized',
    'source-auth',
  ],
  [
    'source',
    'IndexationFailed',
    'failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch https://charts.example.org/index.yaml : 503 Service Unavailable',
    'source-unavailable',
  ],
  [
    'workload',
    'Failed',
    'Failed to pull image "registry.example.org/web/api:2.0.1": rpc error: code = Unknown desc = pull access denied, repository does not exist or may require authorization',
    'image-pull',
  ],
  [
    'workload',
    'FailedScheduling',
    "0/6 nodes are available: 3 node(s) didn't match Pod's node affinity/selector, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.",
    'unschedulable',
  ],
  [
    'workload',
    'BackoffLimitExceeded',
    'Job has reached the specified backoff limit',
    'workload-failed',
  ],
  [
    'workload',
    'ProgressDeadlineExceeded',
    'ReplicaSet "api-5f7d8" has timed out progressing.',
    'workload-failed',
  ],
  [
    'workload',
    'OOMKilling',
    'Memory cgroup out of memory: Killed process 4242 (java)',
    'oom-killed',
  ],
];

describe('classify: template variants', () => {
  it.each(variants)('[%s %s] %s → %s', (scope, reason, message, category) => {
    expect(
      classify({ scope, reason, message, subject: 'Kind/ns/subject' })?.rule
        .category,
    ).toBe(category);
  });

  it('does not match unrelated text', () => {
    expect(
      classify({
        scope: 'kustomization',
        message: 'all good, nothing to see',
        subject: 'K/ns/n',
      }),
    ).toBeUndefined();
  });
});

describe('classify: helpers', () => {
  it('reads the object at the start of kustomize-controller messages', () => {
    expect(
      leadingObject('Namespace/apps dry-run failed, reason: Forbidden'),
    ).toBe('Namespace/apps');
    expect(
      leadingObject('Deployment/web/api dry-run failed (Invalid): x'),
    ).toBe('Deployment/web/api');
    expect(leadingObject('health check failed after 1s')).toBeUndefined();
  });

  it('reads objects whose kind or name is empty (fluxcd/pkg ssa FmtUnstructured)', () => {
    expect(
      leadingObject(
        "/apps/web dry-run failed (BadRequest): Object 'Kind' is missing",
      ),
    ).toBe('(no kind)/apps/web');
    expect(
      leadingObject(
        'Deployment/apps/ dry-run failed (Invalid): metadata.name: Required value',
      ),
    ).toBe('Deployment/apps/(no name)');
  });

  it('lists every object a joined failure message names', () => {
    expect(
      affectedObjects(
        '[Deployment/apps/web dry-run failed (Invalid): spec.replicas: Invalid value, Service/apps/web dry-run failed (Invalid): spec.ports: Required value]',
      ),
    ).toEqual(['Deployment/apps/web', 'Service/apps/web']);
    expect(
      affectedObjects(
        'Deployment/apps/web dry-run failed (Invalid): x\nService/apps/web dry-run failed (Invalid): y',
      ),
    ).toEqual(['Deployment/apps/web', 'Service/apps/web']);
    expect(
      affectedObjects(
        'cannot patch "ui" with kind Deployment: Deployment.apps "ui" is invalid: spec.selector: field is immutable && cannot patch "lake" with kind Deployment: field is immutable',
      ),
    ).toEqual(['Deployment/ui', 'Deployment/lake']);
  });

  it("decides by the quoted cause when a message quotes another object's error", () => {
    const found = classify({
      scope: 'helmrelease',
      reason: 'SourceNotReady',
      subject: 'HelmRelease/apps/web',
      message:
        "HelmChart 'apps/apps-web' is not ready: invalid chart reference: failed to get chart version for remote reference: no 'web' chart with version matching '9.*' found",
    });
    expect(found?.rule.category).toBe('source-not-found');
    expect(found?.rule.name).toBe('chart-version-not-found');
    expect(found?.via?.name).toBe('source-not-ready');
    expect(found?.context.named).toBe('HelmChart/apps/apps-web');
    const waiting = classify({
      scope: 'helmrelease',
      reason: 'SourceNotReady',
      subject: 'HelmRelease/apps/web',
      message:
        "HelmChart 'apps/apps-web' is not ready: latest generation of object has not been reconciled",
    });
    expect(waiting?.rule.name).toBe('source-not-ready');
    expect(waiting?.rule.category).toBe('source-unavailable');
  });

  it('lists waited objects and their status', () => {
    expect(
      waitedObjects(
        "timeout waiting for: [Deployment/web/api status: 'InProgress', ClusterIssuer/letsencrypt status: 'Failed']",
      ),
    ).toEqual([
      {
        ref: 'Deployment/web/api',
        kind: 'Deployment',
        namespace: 'web',
        name: 'api',
        status: 'InProgress',
      },
      {
        ref: 'ClusterIssuer/letsencrypt',
        kind: 'ClusterIssuer',
        namespace: undefined,
        name: 'letsencrypt',
        status: 'Failed',
      },
    ]);
  });
});

describe('rules: no catastrophic backtracking', () => {
  const fragments = [
    'a',
    ' ',
    "'",
    '"',
    'Deployment/a/b ',
    "dependency '",
    'admission webhook "',
    'Helm install failed for release ',
    'no matches for kind "',
    '0/3 nodes are available',
    'variable substitution failed',
    "status: 'InProgress', ",
    'for fields other than ',
  ];

  it.each(fragments)('every rule stays fast on 4 KiB of %j', fragment => {
    const hostile = fragment
      .repeat(Math.ceil(4096 / fragment.length))
      .slice(0, 4096);
    const started = process.hrtime.bigint();
    for (const rule of RULES) {
      rule.pattern?.exec(hostile);
      rule.details?.forEach(detail => detail.exec(hostile));
    }
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(elapsedMs).toBeLessThan(100);
  });
});
