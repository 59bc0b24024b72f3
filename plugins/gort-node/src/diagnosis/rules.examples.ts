import type { RuleScope } from './rules';

/**
 * Test messages for each rule: the cited templates filled in the way the
 * controllers fill them. Each must be classified by its own rule, and each
 * rule's cited fragments must appear in its examples (`templates.test.ts`).
 */
export interface RuleExample {
  scope: RuleScope;
  reason?: string;
  message: string;
}

const ks = (message: string, reason?: string): RuleExample => ({
  scope: 'kustomization',
  message,
  reason,
});
const hr = (message: string, reason?: string): RuleExample => ({
  scope: 'helmrelease',
  message,
  reason,
});
const src = (message: string, reason?: string): RuleExample => ({
  scope: 'source',
  message,
  reason,
});
const wl = (message: string, reason?: string): RuleExample => ({
  scope: 'workload',
  message,
  reason,
});

export const RULE_EXAMPLES: Record<string, RuleExample[]> = {
  'reason:AccessDenied': [
    ks(
      "can't access 'GitRepository/infra/repo', cross-namespace references have been blocked",
      'AccessDenied',
    ),
  ],
  'reason:InvalidCELExpression': [
    ks(
      "failed to parse the CEL expression 'status.phase == Ready': undeclared reference to 'Ready'",
      'InvalidCELExpression',
    ),
  ],
  'upstream-source-not-ready': [
    src("HelmRepository resource 'flux-system/charts' is not ready"),
    src("no artifact available for HelmRepository source 'charts'"),
  ],
  'source-ssh-auth': [
    src(
      "failed to checkout and determine revision: unable to clone 'ssh://git@github.com/org/app': ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain",
    ),
    src(
      "unable to clone 'ssh://git@github.com/org/app', error: ssh: handshake failed: knownhosts: key mismatch",
    ),
    src(
      "unable to list remote for 'ssh://git@git.example.com/org/app': ssh: handshake failed: knownhosts: key is unknown",
    ),
  ],
  'git-auth': [
    src(
      "failed to checkout and determine revision: unable to clone 'https://github.com/org/private': authentication required: Repository not found.",
    ),
    src(
      "failed to checkout and determine revision: unable to list remote for 'https://gitlab.example.com/org/app': authorization failed",
    ),
  ],
  'git-auth-bare': [src('authentication required')],
  'registry-auth': [
    src(
      "failed to get credential from 'aws': operation error ECR: GetAuthorizationToken, https response error StatusCode: 400",
    ),
    src('unknown build error: failed to login to OCI registry'),
  ],
  'source-secret-missing': [
    src(
      'failed to get secret \'flux-system/git-credentials\': secrets "git-credentials" not found',
    ),
  ],
  'source-signature': [
    src(
      "signature verification of commit 'a1b2c3d' failed: unable to verify Git commit: unable to verify payload with any of the given key rings",
    ),
  ],
  'git-ref-not-found': [
    src(
      "failed to checkout and determine revision: unable to clone 'https://github.com/org/app': couldn't find remote ref \"refs/heads/release\"",
    ),
  ],
  'chart-version-not-found': [
    src('no chart version found for podinfo-9.9.9'),
    src(
      'chart "podinfo" version "9.9.9" not found in https://stefanprodan.github.io/podinfo repository',
    ),
    src(
      "invalid chart reference: failed to get chart version for remote reference: no 'podinfo' chart with version matching '9.*' found",
    ),
  ],
  'oci-artifact-not-found': [
    src(
      "failed to pull artifact from 'oci://ghcr.io/org/manifests/app': couldn't find tag \"1.2.3\"",
    ),
  ],
  'source-repo-not-found': [
    src(
      "failed to checkout and determine revision: unable to clone 'https://github.com/org/gone': repository not found",
    ),
    src("bucket 'releases' does not exist"),
    src(
      'failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch https://charts.example.com/index.yaml : 404 Not Found',
    ),
  ],
  'source-network': [
    src(
      'failed to fetch Helm repository index: failed to cache index to temporary file: Get "https://charts.example.com/index.yaml": dial tcp: lookup charts.example.com: no such host',
    ),
    src(
      "failed to checkout and determine revision: unable to clone 'https://git.example.com/org/app': read tcp 10.0.0.5:41234->10.0.0.9:443: read: connection reset by peer",
    ),
  ],
  'source-ref-missing': [
    ks("Source 'GitRepository/flux-system/apps' not found"),
  ],
  'source-not-ready': [
    hr(
      "HelmChart 'flux-system/apps-podinfo' is not ready: latest generation of object has not been reconciled",
    ),
    ks('Source is not ready, artifact not found, retrying in 30s'),
    hr(
      'could not get Source object: helmcharts.source.toolkit.fluxcd.io "apps-podinfo" not found',
    ),
  ],
  'path-not-found': [
    ks(
      'kustomization path not found: stat /tmp/kustomization-1464362706/apps/prod: no such file or directory',
    ),
    ks(
      'kustomize create failed: open /tmp/flux-123/apps/app.yaml/kustomization.yaml: not a directory',
    ),
  ],
  'chart-path-not-found': [
    src(
      "no values file found at path 'values-prod.yaml' (reference 'values-prod.yaml')",
    ),
    hr('Error: path "./charts/web" not found'),
  ],
  'sops-decryption-not-configured': [
    ks(
      'Secret/apps/db is SOPS encrypted, configuring decryption is required for this secret to be reconciled',
    ),
  ],
  'decryption-failed': [
    ks(
      "decryption failed for 'db': failed to decrypt and format 'apps/db' Secret data: cannot get sops data key: Failed to get the data key required to decrypt the SOPS file.",
    ),
    ks(
      'Failed to get the data key required to decrypt the SOPS file. Group 0: FAILED arn:aws:kms:eu-west-1:111111111111:key/abc: FAILED - | failed to decrypt sops data key with AWS KMS: AccessDeniedException',
    ),
    ks(
      'failed to create reader for decrypting sops data key with age: no identity matched any of the recipients',
    ),
  ],
  'substitute-from-missing': [
    ks(
      'substitute from \'ConfigMap/cluster-vars\' error: configmaps "cluster-vars" not found',
    ),
  ],
  'variable-substitution': [
    ks(
      'post build failed for \'apps/v1, Kind=Deployment/web\': envsubst error: variable substitution failed: variable not set (strict mode): "DOMAIN"',
    ),
    ks(
      "var substitution failed for 'web': variable substitution failed: missing closing brace",
    ),
    ks(
      "post build failed for '${NAME}': envsubst error: variable substitution failed: unable to parse variable name",
    ),
  ],
  'unexpanded-variable': [
    ks(
      'Service/apps/${APP_NAME} dry-run failed, reason: Invalid, error: Service "${APP_NAME}" is invalid: metadata.name: Invalid value: "${APP_NAME}": a DNS-1035 label must consist of lower case alphanumeric characters',
    ),
  ],
  'yaml-in-build': [
    ks(
      "kustomize build failed: accumulating resources: accumulation err='accumulating resources from 'app.yaml': MalformedYAMLError: yaml: line 7: mapping values are not allowed in this context in File: app.yaml'",
    ),
    ks("yaml: line 3: could not find expected ':'"),
    ks(
      'map[string]interface {}(nil): yaml: unmarshal errors: line 12: mapping key "image" already defined at line 9',
    ),
  ],
  'kustomize-build': [
    ks(
      "kustomize build failed: accumulating resources: accumulation err='accumulating resources from 'base': '/tmp/k/base' must resolve to a file': recursed merging from path '/tmp/k/base': may not add resource with an already registered id: Service.v1.[noGrp]/web.apps",
    ),
    ks(
      'found multiple possible referrals: ServiceAccount.v1.[noGrp]/app.a, ServiceAccount.v1.[noGrp]/app.b',
    ),
    ks(
      "kustomize build failed: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '/tmp/k/overlay'",
    ),
  ],
  'admission-webhook': [
    ks(
      'Deployment/apps/web dry-run failed (Forbidden): admission webhook "validate.kyverno.svc-fail" denied the request: resource Deployment/apps/web was blocked due to the following policies',
    ),
    ks(
      'Certificate/apps/tls dry-run failed (BadRequest): admission webhook "webhook.cert-manager.io" does not support dry run',
    ),
    ks(
      'Deployment/apps/web dry-run failed (InternalError): Internal error occurred: failed calling webhook "mutate.example.io": failed to call webhook: Post "https://webhook.example.svc:443/mutate?timeout=10s": context deadline exceeded',
    ),
  ],
  'pod-security-or-quota': [
    wl(
      'FailedCreate: pods "web-7d9c" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
    ),
  ],
  'prune-failed': [
    ks(
      'unable to prune objects: \nConfigMap/apps/old-settings delete failed: configmaps "old-settings" is forbidden',
    ),
    ks(
      'delete failed, errors: Namespace/legacy delete failed: namespaces "legacy" is forbidden: this namespace may not be deleted;',
    ),
  ],
  'prune-failed-reason': [ks('objects could not be removed', 'PruneFailed')],
  'immutable-field': [
    ks(
      'Deployment/apps/web dry-run failed (Invalid): Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}}: field is immutable',
    ),
    ks(
      'Job/apps/migrate immutable field detected, failed to delete object: jobs.batch "migrate" is forbidden',
    ),
  ],
  'helm-release-state': [
    hr(
      'Helm upgrade failed for release apps/web with chart web@1.2.0: another operation (install/upgrade/rollback) is in progress',
    ),
    hr('Helm upgrade failed: "web" has no deployed releases'),
    hr(
      'rollback failed: release: not found: original upgrade error: unable to build kubernetes objects from current release manifest: resource mapping not found for name: "web"',
    ),
    hr(
      'Failed to perform remediation: missing target release for rollback: cannot remediate failed release',
    ),
  ],
  'namespace-not-specified': [
    ks(
      'Deployment/web namespace not specified: the server could not find the requested resource',
    ),
  ],
  'missing-crd': [
    ks(
      'ServiceMonitor/apps/web dry-run failed: no matches for kind "ServiceMonitor" in version "monitoring.coreos.com/v1"',
    ),
    hr(
      'resource mapping not found for name: "web" namespace: "apps" from "": no matches for kind "ServiceMonitor" in version "monitoring.coreos.com/v1" ensure CRDs are installed first',
    ),
    ks('error: the server doesn\'t have a resource type "servicemonitors"'),
  ],
  'helm-values-reference': [
    hr("missing key 'values.yaml' in ConfigMap 'apps/web-values'"),
    hr(
      "unable to merge value from key 'password' in Secret 'apps/db' into target path 'db.password': unable to parse key",
    ),
  ],
  'missing-object': [
    ks('Role/tenant-b/reader not found: namespaces "tenant-b" not found'),
    wl(
      'FailedMount: MountVolume.SetUp failed for volume "config" : configmap "web-config" not found',
    ),
  ],
  'ownership-conflict': [
    hr(
      'Helm install failed: Unable to continue with install: ServiceAccount "web" in namespace "apps" exists and cannot be imported into the current release: invalid ownership metadata',
    ),
    ks(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    ),
  ],
  'rbac-forbidden': [
    ks(
      'Namespace/apps dry-run failed (Forbidden): namespaces "apps" is forbidden: User "system:serviceaccount:flux-system:tenant" cannot patch resource "namespaces" in API group "" in the namespace "apps"',
    ),
    hr(
      'namespaces "test" is forbidden: User "system:serviceaccount:kube-system:default" cannot get namespaces in the namespace "test"',
    ),
  ],
  forbidden: [
    ks(
      'ClusterRole/admin dry-run failed (Forbidden): clusterroles.rbac.authorization.k8s.io "admin" is forbidden',
    ),
  ],
  'helm-values-schema': [
    hr(
      "Helm install failed for release apps/web with chart web@1.0.0: values don't meet the specifications of the schema(s) in the following chart(s): web: - replicas: Invalid type. Expected: integer, given: string",
    ),
  ],
  'helm-template-values': [
    hr(
      'Helm install failed: execution error at (web/templates/secret.yaml:4:11): password is required',
    ),
  ],
  'helm-hooks-failed': [
    hr(
      'Helm upgrade failed for release apps/web with chart web@1.2.0: pre-upgrade hooks failed: 1 error occurred: * job web-migrate failed: BackoffLimitExceeded',
    ),
    hr('failed post-install: job failed: BackoffLimitExceeded'),
  ],
  'helm-test-failed': [
    hr(
      'Helm test failed for release apps/web with chart web@1.2.0: 1 error occurred: * pod web-test-connection failed',
    ),
  ],
  'retries-exhausted': [
    hr('Failed to upgrade after 3 attempt(s)', 'RetriesExceeded'),
    hr('exceeded maximum retries: cannot upgrade release'),
  ],
  'oom-killed': [wl('OOMKilled: container web terminated (exit code 137)')],
  'image-pull': [
    wl('ImagePullBackOff: Back-off pulling image "ghcr.io/org/web:1.2.3"'),
    wl(
      'ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/org/web:1.2.3": not found',
    ),
  ],
  unschedulable: [
    wl(
      'Unschedulable: 0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    ),
  ],
  'crash-loop': [
    wl(
      'CrashLoopBackOff: back-off 5m0s restarting failed container=web pod=web-7d9c_apps(1234)',
    ),
  ],
  'job-failed': [
    wl('BackoffLimitExceeded: Job has reached the specified backoff limit'),
  ],
  'progress-deadline': [
    wl(
      'ProgressDeadlineExceeded: ReplicaSet "web-7d9c" has timed out progressing. deployment "web" exceeded its progress deadline',
    ),
  ],
  'run-as-non-root': [
    wl(
      'CreateContainerConfigError: container has runAsNonRoot and image will run as root (pod: "web-7d9c_apps(1234)", container: web)',
    ),
  ],
  'stalled-resources': [
    ks(
      "failed early due to stalled resources: [Deployment/apps/web status: 'Failed']",
    ),
  ],
  'readiness-probe': [
    wl(
      'Unhealthy: Readiness probe failed: Get "http://10.0.0.5:8080/healthz": dial tcp 10.0.0.5:8080: connect: connection refused',
    ),
    wl(
      'Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500',
    ),
  ],
  'dependency-not-ready': [
    ks("dependency 'flux-system/infra' is not ready"),
    hr(
      "dependencies do not meet ready condition (dependency 'apps/db' is not ready): retrying in 30s",
    ),
  ],
  'health-check-timeout': [
    ks(
      "health check failed after 5m0.01s: timeout waiting for: [Deployment/apps/web status: 'InProgress']",
    ),
  ],
  'helm-wait-timeout': [
    hr(
      'Helm install failed for release apps/web with chart web@1.2.0: timed out waiting for the condition',
    ),
  ],
  'invalid-manifest': [
    ks(
      'Deployment/apps/web dry-run failed (Invalid): Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value',
    ),
    ks(
      'Service/apps/web dry-run failed (Invalid): Service "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    ),
    ks(
      'Deployment/apps/web dry-run failed (BadRequest): strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
    ),
    ks(
      'apply failed: error: error validating "web.yaml": error validating data: ValidationError(Deployment.spec): missing required field "selector"',
    ),
    ks(
      'Secret/apps/db dry-run failed (BadRequest): Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4',
    ),
  ],

  // Reason-only rules: the controller's reason constant decides when the
  // message carries no wording a message rule knows.
  'reason:AuthenticationFailed': [
    src('secret data is malformed', 'AuthenticationFailed'),
  ],
  'reason:ChartPullError': [
    src('chart pull error: unexpected status from registry', 'ChartPullError'),
  ],
  'reason:ChartPullFailed': [
    src('chart pull failed: stream error', 'ChartPullFailed'),
  ],
  'reason:GitOperationFailed': [
    src(
      'failed to checkout and determine revision: unexpected packfile',
      'GitOperationFailed',
    ),
  ],
  'reason:IndexationFailed': [
    src('failed to load Helm repository from index YAML', 'IndexationFailed'),
  ],
  'reason:OCIArtifactPullFailed': [
    src('failed to extract layer contents', 'OCIArtifactPullFailed'),
  ],
  'reason:URLInvalid': [src('unsupported scheme "ftp"', 'URLInvalid')],
  'reason:DependencyNotReady': [
    ks('waiting for apps/database', 'DependencyNotReady'),
  ],
  'reason:SourceNotReady': [
    hr('HelmChart is in a failing state', 'SourceNotReady'),
  ],
  'reason:ArtifactFailed': [ks('unexpected EOF', 'ArtifactFailed')],
  'reason:HealthCheckFailed': [ks('context canceled', 'HealthCheckFailed')],
  'reason:BuildFailed': [ks('merging resources from overlays', 'BuildFailed')],
  'reason:ValuesError': [hr('could not merge values', 'ValuesError')],
  'reason:TestFailed': [hr('test hook completed with errors', 'TestFailed')],
  'reason:RetriesExceeded': [hr('no more attempts left', 'RetriesExceeded')],
  'reason:BackoffLimitExceeded': [
    wl('pods exited non-zero', 'BackoffLimitExceeded'),
  ],
  'reason:ProgressDeadlineExceeded': [
    wl(
      'ReplicaSet "web-5d9c" has timed out progressing.',
      'ProgressDeadlineExceeded',
    ),
  ],
  'reason:FailedScheduling': [
    wl(
      'running PreBind plugin "VolumeBinding": binding volumes: pv "data" is being deleted',
      'FailedScheduling',
    ),
  ],
  'reason:FailedMount': [
    wl(
      'MountVolume.SetUp failed for volume "cache" : timed out',
      'FailedMount',
    ),
  ],
};
