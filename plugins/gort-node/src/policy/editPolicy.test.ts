import { reviewEdits } from './editPolicy';

const none = new Map<string, string | undefined>();
const rulesOf = (changed: Record<string, string>, previous = none) =>
  reviewEdits(changed, previous).findings.map(f => f.rule);

const deployment = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  template:
    spec:
      containers:
      - name: cart
        image: ghcr.io/shop/cart:1.2.4
${extra}`;

describe('reviewEdits: refuses what widens privilege or trust', () => {
  it.each([
    ['a ClusterRoleBinding to cluster-admin', { 'apps/cart/rbac.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: cart-admin}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: ServiceAccount, name: default, namespace: shop}]\n' }, 'rbac'],
    ['a privileged DaemonSet with hostPath /', { 'apps/cart/ds.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: debug, namespace: shop}\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n      - name: sh\n        image: busybox\n        securityContext: {privileged: true}\n        volumeMounts: [{name: root, mountPath: /host}]\n      volumes:\n      - name: root\n        hostPath: {path: /}\n' }, 'privileged-pod'],
    ['a webhook', { 'apps/cart/hook.yaml': 'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {name: x}\nwebhooks: []\n' }, 'admission'],
    ['a CRD', { 'apps/cart/crd.json': '{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"xs.example.org"}}' }, 'crd'],
    ['a namespace with relaxed pod security', { 'apps/cart/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n' }, 'namespace'],
    ['a new GitRepository', { 'apps/cart/src.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: other, namespace: flux-system}\nspec: {url: "https://github.com/attacker/x", interval: 1m, ref: {branch: main}}\n' }, 'flux-source'],
    ['a Kustomization without a service account', { 'apps/cart/ks.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: other, namespace: flux-system}\nspec: {interval: 1m, path: ./, prune: true, sourceRef: {kind: GitRepository, name: other}}\n' }, 'flux-reconciler'],
    ['a remote kustomize base', { 'apps/cart/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n- https://github.com/attacker/x//base?ref=main\n' }, 'kustomize-remote'],
    ['an absolute kustomize resource', { 'apps/cart/kustomization.yaml': 'resources:\n- /etc/passwd\n' }, 'kustomize-remote'],
    ['helmCharts in a kustomization', { 'apps/cart/kustomization.yaml': 'helmCharts:\n- {name: x, repo: "https://charts.example.org"}\n' }, 'kustomize-remote'],
    ['a Secret in a kind: List', { 'apps/cart/list.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: db}\n  stringData: {password: hunter2}\n' }, 'clear-text-secret'],
    ['a Secret in a .json file', { 'apps/cart/secret.json': '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"data":{"password":"aHVudGVyMg=="}}' }, 'clear-text-secret'],
    ['a Secret in a file with no YAML extension', { 'apps/cart/secret.txt': 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {password: aHVudGVyMg==}\n' }, 'clear-text-secret'],
    ['secretGenerator literals', { 'apps/cart/kustomization.yaml': 'resources: [deployment.yaml]\nsecretGenerator:\n- name: db\n  literals: [password=hunter2]\n' }, 'clear-text-secret'],
    ['a Secret with sops: {}', { 'apps/cart/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {password: aHVudGVyMg==}\nsops: {}\n' }, 'clear-text-secret'],
    ['added capabilities', { 'apps/cart/deploy.yaml': deployment('        securityContext: {capabilities: {add: [SYS_ADMIN]}}\n') }, 'capabilities'],
    ['hostNetwork', { 'apps/cart/deploy.yaml': deployment('      hostNetwork: true\n') }, 'host-access'],
    ['a token pasted into a ConfigMap', { 'apps/cart/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {GITHUB: ${['gh', 'p_'].join('')}${'Ab3De6Gh9J'.repeat(4)}}\n` }, 'clear-text-secret'],
  ])('%s', (_name, changed, rule) => {
    expect(rulesOf(changed)).toContain(rule);
  });

  it('lists the kinds an edit changes', () => {
    const review = reviewEdits({ 'apps/cart/a.yaml': `${deployment()}---\napiVersion: v1\nkind: Service\nmetadata: {name: cart}\n` }, none);
    expect(review.kindsChanged).toEqual(['apps/v1 Deployment', 'v1 Service']);
  });
});

describe('reviewEdits: lets ordinary fixes through', () => {
  it('accepts an image tag fix', () => {
    const before = deployment().replace('1.2.4', '1.2.3');
    expect(rulesOf({ 'apps/cart/deploy.yaml': deployment() }, new Map([['apps/cart/deploy.yaml', before]]))).toEqual([]);
  });

  it('does not report an unchanged RBAC document next to the edited one', () => {
    const rbac = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules: []\n';
    const before = `${rbac}---\n${deployment().replace('1.2.4', '1.2.3')}`;
    expect(rulesOf({ 'apps/cart/all.yaml': `${rbac}---\n${deployment()}` }, new Map([['apps/cart/all.yaml', before]]))).toEqual([]);
  });

  it('does not report what a workload already had (an existing privileged agent whose tag changes)', () => {
    const agent = (tag: string) => deployment(`        securityContext: {privileged: true}\n`).replace('1.2.4', tag);
    expect(rulesOf({ 'a.yaml': agent('2') }, new Map([['a.yaml', agent('1')]]))).toEqual([]);
  });

  it('accepts a Secret that SOPS really encrypted', () => {
    const enc = (v: string) => `ENC[AES256_GCM,data:${v},iv:aXZpdml2aXZpdml2,tag:dGFndGFndGFn,type:str]`;
    const sops = `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: ${enc('Zm9v')}\nsops:\n  age:\n  - recipient: age1xyz\n    enc: x\n  lastmodified: "2026-12-01T00:00:00Z"\n  mac: ${enc('bWFj')}\n  version: 3.9.0\n`;
    expect(rulesOf({ 'apps/cart/db.enc.yaml': sops })).toEqual([]);
  });

  it('accepts local relative kustomize resources', () => {
    expect(rulesOf({ 'apps/cart/kustomization.yaml': 'resources:\n- deployment.yaml\n- ../base\n' })).toEqual([]);
  });

  it('reports a changed Flux Kustomization only for trust fields', () => {
    const ks = (timeout: string, sa = 'cart') => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: cart, namespace: flux-system}\nspec: {interval: 1m, timeout: ${timeout}, path: ./apps/cart, serviceAccountName: ${sa}, sourceRef: {kind: GitRepository, name: infra}}\n`;
    expect(rulesOf({ 'ks.yaml': ks('5m') }, new Map([['ks.yaml', ks('2m')]]))).toEqual([]);
    expect(rulesOf({ 'ks.yaml': ks('5m', 'flux-admin') }, new Map([['ks.yaml', ks('2m')]]))).toEqual(['flux-reconciler']);
  });
});
