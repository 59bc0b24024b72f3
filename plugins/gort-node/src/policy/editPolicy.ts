import { parseAllDocuments } from 'yaml';
import { findSecrets } from '../redaction';

/** Why a changed object widens privilege or trust. */
export interface PolicyFinding {
  path: string;
  /** 1-based document number in the file. */
  document: number;
  /** `Kind namespace/name` of the object, as far as it is known. */
  object: string;
  rule: PolicyRule;
  reason: string;
}

export type PolicyRule =
  | 'rbac'
  | 'admission'
  | 'crd'
  | 'namespace'
  | 'flux-source'
  | 'flux-reconciler'
  | 'service-account'
  | 'privileged-pod'
  | 'host-access'
  | 'capabilities'
  | 'kustomize-remote'
  | 'kustomize-plugin'
  | 'clear-text-secret';

export interface EditPolicyReview {
  findings: PolicyFinding[];
  /** Every kind an edit adds or changes, e.g. `apps/v1 Deployment`, sorted. */
  kindsChanged: string[];
}

type Obj = Record<string, any>;

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const ADMISSION_KINDS = new Set([
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
]);
const FLUX_SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'HelmRepository', 'Bucket', 'HelmChart', 'ExternalArtifact']);
const FLUX_NOTIFICATION_KINDS = new Set(['Provider', 'Receiver', 'Alert']);
/** Fields of a Flux Kustomization / HelmRelease that decide what it may do and where. */
const RECONCILER_TRUST_FIELDS = ['serviceAccountName', 'sourceRef', 'chartRef', 'kubeConfig', 'targetNamespace', 'decryption', 'postBuild', 'chart'];
const SOPS_VALUE = /^ENC\[[A-Z0-9_]+,data:[^,\]]*,iv:[^,\]]+,tag:[^,\]]+,type:[a-z]+\]$/;
const REMOTE_REFERENCE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|[^/]*github\.com\/|[^/]*gitlab\.com\/|[^/]*bitbucket\.org\/|ssh:|file:)|\?ref=|\/\/\//i;

function documentsOf(content: string): (Obj | undefined)[] {
  let docs;
  try {
    docs = parseAllDocuments(content);
  } catch {
    return [];
  }
  const list = Array.isArray(docs) ? docs : [docs];
  return list.map(doc => {
    if (doc.errors.length) return undefined;
    try {
      const value = doc.toJS({ maxAliasCount: 100 });
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
    } catch {
      return undefined;
    }
  });
}

/** Objects of a document, with `List` items flattened. */
function objectsOf(doc: Obj | undefined): Obj[] {
  if (!doc) return [];
  if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items))
    return doc.items.filter((i: unknown) => i && typeof i === 'object').flatMap((i: Obj) => objectsOf(i));
  return [doc];
}

function identity(obj: Obj): string {
  const meta = obj.metadata ?? {};
  return `${obj.kind ?? '?'} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '?'}`;
}

function group(obj: Obj): string {
  return String(obj.apiVersion ?? '').split('/')[0];
}

function isKustomizeFile(path: string, obj: Obj): boolean {
  if (String(obj.apiVersion ?? '').startsWith('kustomize.config.k8s.io/')) return true;
  const base = path.split('/').pop() ?? '';
  return /^(?:kustomization\.ya?ml|Kustomization)$/.test(base) && obj.kind === undefined;
}

const stable = (value: unknown) => JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

/** Pod specs inside an object (Pods, workload templates, CronJob job templates, and anything shaped so). */
function podSpecs(value: unknown, depth = 0, out: Obj[] = []): Obj[] {
  if (!value || typeof value !== 'object' || depth > 12) return out;
  if (Array.isArray(value)) {
    value.forEach(v => podSpecs(v, depth + 1, out));
    return out;
  }
  const obj = value as Obj;
  if (Array.isArray(obj.containers) || Array.isArray(obj.initContainers)) out.push(obj);
  for (const [key, child] of Object.entries(obj)) if (key !== 'containers' && key !== 'initContainers') podSpecs(child, depth + 1, out);
  return out;
}

function podProblems(obj: Obj): [PolicyRule, string][] {
  const problems: [PolicyRule, string][] = [];
  for (const spec of podSpecs(obj.spec ?? obj)) {
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC', 'hostUsers'] as const) {
      if (field === 'hostUsers' ? spec[field] === true : spec[field] === true) problems.push(['host-access', `${field}: true`]);
    }
    for (const volume of Array.isArray(spec.volumes) ? spec.volumes : []) {
      if (volume?.hostPath) problems.push(['host-access', `hostPath volume ${volume.name ?? '?'} (${volume.hostPath.path ?? '?'})`]);
    }
    if (spec.securityContext?.runAsUser === 0) problems.push(['privileged-pod', 'pod runs as user 0']);
    const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
    for (const container of containers) {
      const name = container?.name ?? '?';
      const sc = container?.securityContext ?? {};
      if (sc.privileged === true) problems.push(['privileged-pod', `container ${name} is privileged`]);
      if (sc.allowPrivilegeEscalation === true) problems.push(['privileged-pod', `container ${name} allows privilege escalation`]);
      if (sc.runAsUser === 0) problems.push(['privileged-pod', `container ${name} runs as user 0`]);
      if (sc.procMount === 'Unmasked') problems.push(['privileged-pod', `container ${name} has an unmasked /proc`]);
      for (const cap of Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : []) problems.push(['capabilities', `container ${name} adds capability ${cap}`]);
      for (const port of Array.isArray(container?.ports) ? container.ports : []) {
        if (port?.hostPort) problems.push(['host-access', `container ${name} binds host port ${port.hostPort}`]);
      }
    }
  }
  return problems;
}

function kustomizeProblems(obj: Obj): [PolicyRule, string][] {
  const problems: [PolicyRule, string][] = [];
  for (const field of ['resources', 'bases', 'components'] as const) {
    for (const entry of Array.isArray(obj[field]) ? obj[field] : []) {
      const ref = String(entry);
      if (REMOTE_REFERENCE.test(ref) || ref.startsWith('/')) problems.push(['kustomize-remote', `${field} entry ${ref} is not a local relative path`]);
    }
  }
  if (obj.helmCharts || obj.helmChartInflationGenerator) problems.push(['kustomize-remote', 'helmCharts inflate charts from a repository']);
  for (const field of ['generators', 'transformers', 'validators'] as const) {
    if (Array.isArray(obj[field]) && obj[field].length) problems.push(['kustomize-plugin', `${field} run kustomize plugins`]);
  }
  for (const generator of Array.isArray(obj.secretGenerator) ? obj.secretGenerator : []) {
    const name = generator?.name ?? '?';
    if (Array.isArray(generator?.literals) && generator.literals.length) problems.push(['clear-text-secret', `secretGenerator ${name} has literals in clear text`]);
    for (const file of [...(generator?.files ?? []), ...(generator?.envs ?? []), ...(generator?.env ? [generator.env] : [])]) {
      problems.push(['clear-text-secret', `secretGenerator ${name} reads ${String(file)} (a Secret built from a file in Git)`]);
    }
  }
  return problems;
}

function isSopsEncrypted(obj: Obj): boolean {
  const sops = obj.sops;
  if (!sops || typeof sops !== 'object') return false;
  const mac = typeof sops.mac === 'string' && SOPS_VALUE.test(sops.mac);
  const keyed = ['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault'].some(k => Array.isArray(sops[k]) && sops[k].length > 0);
  const values = [obj.data, obj.stringData].filter(d => d && typeof d === 'object').flatMap(d => Object.values(d as Obj));
  return mac && keyed && values.every(v => typeof v === 'string' && SOPS_VALUE.test(v));
}

function objectProblems(path: string, obj: Obj): [PolicyRule, string][] {
  const kind = String(obj.kind ?? '');
  const g = group(obj);
  const problems: [PolicyRule, string][] = [];
  if (isKustomizeFile(path, obj)) problems.push(...kustomizeProblems(obj));
  if (g === 'rbac.authorization.k8s.io' && RBAC_KINDS.has(kind)) {
    const role = obj.roleRef?.name ? ` to ${obj.roleRef.kind ?? 'role'} ${obj.roleRef.name}` : '';
    problems.push(['rbac', `${kind}${role} grants permissions`]);
  }
  if (ADMISSION_KINDS.has(kind)) problems.push(['admission', `${kind} intercepts API requests`]);
  if (kind === 'CustomResourceDefinition' || kind === 'APIService') problems.push(['crd', `${kind} extends the API`]);
  if (kind === 'Namespace') problems.push(['namespace', 'Namespace created or changed']);
  for (const label of Object.keys(obj.metadata?.labels ?? {})) {
    if (label.startsWith('pod-security.kubernetes.io/')) problems.push(['namespace', `pod security label ${label}`]);
  }
  if (kind === 'ServiceAccount') problems.push(['service-account', 'ServiceAccount created or changed']);
  if (g.endsWith('.toolkit.fluxcd.io')) {
    if (FLUX_SOURCE_KINDS.has(kind)) problems.push(['flux-source', `Flux source ${kind} decides what is pulled into the cluster`]);
    if (FLUX_NOTIFICATION_KINDS.has(kind) && g.startsWith('notification.')) problems.push(['flux-source', `Flux ${kind} sends or receives events outside the cluster`]);
    if ((kind === 'Kustomization' && g.startsWith('kustomize.')) || kind === 'HelmRelease') {
      if (!obj.spec?.serviceAccountName) problems.push(['flux-reconciler', `${kind} has no serviceAccountName (it applies with the controller's own rights)`]);
    }
  }
  if (kind === 'Secret' && (g === '' || g === 'v1') && (obj.data || obj.stringData) && !isSopsEncrypted(obj)) {
    const sops = obj.sops === undefined ? '' : ' (its sops block has no real MAC, keys or encrypted values)';
    problems.push(['clear-text-secret', `Secret data in clear text${sops}`]);
  }
  problems.push(...podProblems(obj));
  return problems;
}

/** Reconciler trust fields that differ between the old and new object. */
function reconcilerChanges(before: Obj | undefined, after: Obj): string[] {
  if (!before) return [];
  return RECONCILER_TRUST_FIELDS.filter(field => stable(before.spec?.[field]) !== stable(after.spec?.[field]));
}

function documentsByIdentity(content: string | undefined): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const doc of content === undefined ? [] : documentsOf(content)) for (const obj of objectsOf(doc)) out.set(identity(obj), obj);
  return out;
}

/** Credential-looking values in the new content that the old content did not have. */
function newCredentials(before: string | undefined, after: string): string[] {
  const old = new Set(before === undefined ? [] : findSecrets(before).map(f => before.slice(f.start, f.end)));
  return findSecrets(after)
    .filter(f => f.label !== 'secret-data' && !old.has(after.slice(f.start, f.end)))
    .map(f => f.label);
}

/**
 * The edit policy: looks at every object an edit adds or changes, in every
 * document of every changed file whatever its extension, and reports what
 * widens privilege or trust. Objects that are byte-for-byte unchanged are not
 * reported, nor problems the object already had before the edit.
 */
export function reviewEdits(
  changed: Readonly<Record<string, string>>,
  previous: ReadonlyMap<string, string | undefined>,
): EditPolicyReview {
  const findings: PolicyFinding[] = [];
  const kinds = new Set<string>();
  for (const [path, content] of Object.entries(changed)) {
    const old = documentsByIdentity(previous.get(path));
    documentsOf(content).forEach((doc, index) => {
      for (const obj of objectsOf(doc)) {
        const id = identity(obj);
        const before = old.get(id);
        if (before && stable(before) === stable(obj)) continue;
        kinds.add(obj.kind ? `${obj.apiVersion ?? '?'} ${obj.kind}` : `${path.split('/').pop()} (no kind)`);
        const already = new Set(before ? objectProblems(path, before).map(([, reason]) => reason) : []);
        const add = (rule: PolicyRule, reason: string) => findings.push({ path, document: index + 1, object: id, rule, reason });
        for (const [rule, reason] of objectProblems(path, obj)) if (!already.has(reason)) add(rule, reason);
        const changedFields = reconcilerChanges(before, obj);
        if (changedFields.length) add('flux-reconciler', `changes ${changedFields.join(', ')}`);
      }
    });
    for (const label of new Set(newCredentials(previous.get(path), content))) {
      findings.push({ path, document: 0, object: path, rule: 'clear-text-secret', reason: `adds a value that looks like a credential (${label})` });
    }
  }
  return { findings, kindsChanged: [...kinds].sort() };
}
