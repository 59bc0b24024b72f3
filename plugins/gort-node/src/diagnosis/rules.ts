import type { FailureCategory } from '@gort-backstage/plugin-gort-common';

/** Which kind of object a rule may be applied to. */
export type RuleScope = 'source' | 'kustomization' | 'helmrelease' | 'workload';

/** Where the diagnosis should look next, when the message points elsewhere. */
export type WalkHint = 'source' | 'dependency' | 'waited-objects';

export interface RuleContext {
  /** `Kind/namespace/name` of the object whose message is classified. */
  subject: string;
  /** The object named at the start of a kustomize-controller message (`Kind/ns/name dry-run failed…`). */
  named?: string;
  /** Helm action parsed from `Helm <action> failed…`, when present. */
  helmAction?: string;
}

export type Captures = Record<string, string | undefined>;

export interface Rule {
  name: string;
  category: FailureCategory;
  confidence: number;
  /** Restricts the rule to these object scopes; all scopes when absent. */
  scopes?: readonly RuleScope[];
  /** Condition or event reasons the rule requires; any reason when absent. */
  reasons?: readonly string[];
  /** Tested against the normalised, length-bounded message (case-insensitive). */
  pattern?: RegExp;
  /**
   * Extra patterns run after a match, only to capture details: a regex finds
   * the leftmost alternative, which is not always the one carrying the details.
   */
  details?: readonly RegExp[];
  walk?: WalkHint;
  summary: (c: Captures, ctx: RuleContext) => string;
  fix: (c: Captures, ctx: RuleContext) => string;
}

// Every pattern below is linear: alternations of literals, bounded character
// classes, and at most one bounded lazy gap. Messages are untrusted input.

const NOT_IN_GIT = 'not fixable in Git: ';
const target = (ctx: RuleContext) => ctx.named ?? ctx.subject;

const NON_SOURCE: readonly RuleScope[] = [
  'kustomization',
  'helmrelease',
  'workload',
];
const APPLIERS: readonly RuleScope[] = ['kustomization', 'helmrelease'];

const SOURCE_RULES: Rule[] = [
  {
    name: 'upstream-source-not-ready',
    category: 'source-unavailable',
    confidence: 0.45,
    scopes: ['source'],
    walk: 'source',
    pattern:
      /(?:HelmRepository|GitRepository|OCIRepository|Bucket) '[^']{1,300}' is not ready|no artifact available for (?:HelmRepository|source)/i,
    summary: (_c, ctx) =>
      `${ctx.subject} is waiting for the repository it reads from`,
    fix: () =>
      `${NOT_IN_GIT}the repository has no artifact yet; check its own status`,
  },
  {
    name: 'source-ssh-auth',
    category: 'source-auth',
    confidence: 0.95,
    scopes: ['source'],
    pattern:
      /unable to authenticate|permission denied \(publickey\)|no supported methods remain|SSH agent requested|SSH_AUTH_SOCK|knownhosts: key (?:is unknown|mismatch)|host key mismatch|ssh: handshake failed/i,
    summary: (_c, ctx) =>
      `${ctx.subject} cannot authenticate to the Git server over SSH`,
    fix: () =>
      `${NOT_IN_GIT}register the deploy key and point spec.secretRef to a Secret with "identity" and "known_hosts" (the Secret itself must not be committed in clear text)`,
  },
  {
    name: 'source-http-auth',
    category: 'source-auth',
    confidence: 0.9,
    scopes: ['source'],
    pattern:
      /authentication required|authentication failed|failed to (?:get|configure) (?:credential|authentication)|failed to login|invalid (?:username|credentials)|bad credentials|could not read Username|\b401\b|unauthori[sz]ed|\b403\b|forbidden|requested access to the resource is denied|\bDENIED\b/i,
    summary: (_c, ctx) =>
      `${ctx.subject} is refused by the remote: credentials are missing or wrong`,
    fix: () =>
      `${NOT_IN_GIT}create or rotate the credentials Secret referenced by spec.secretRef (check its name in Git matches the Secret in the cluster)`,
  },
  {
    name: 'source-secret-missing',
    category: 'source-auth',
    confidence: 0.85,
    scopes: ['source'],
    pattern:
      /failed to get secret '(?<secret>[^']{1,300})'|secrets? "(?<secretName>[^"]{1,253})" not found/i,
    summary: (c, ctx) =>
      `${ctx.subject} references a credentials Secret that does not exist (${
        c.secret ?? c.secretName
      })`,
    fix: c =>
      `Correct spec.secretRef to an existing Secret, or create Secret ${
        c.secret ?? c.secretName
      } (encrypted, never in clear text)`,
  },
  {
    name: 'source-signature',
    category: 'source-auth',
    confidence: 0.7,
    scopes: ['source'],
    pattern:
      /signature verification of .{0,120}? failed|no matching signatures|cannot verify signature/i,
    summary: (_c, ctx) =>
      `${ctx.subject} fetched a revision whose signature could not be verified`,
    fix: () =>
      'Sign the commit/tag/artifact with a trusted key, or correct spec.verify',
  },
  {
    name: 'git-ref-not-found',
    category: 'source-not-found',
    confidence: 0.95,
    scopes: ['source'],
    pattern:
      /couldn't find remote ref "?(?<ref>[^"\s]{1,300})|reference not found|unable to resolve (?:tag|revision|commit)|no match found for semver/i,
    summary: (c, ctx) =>
      `${ctx.subject} points to a branch, tag or commit that does not exist${
        c.ref ? ` (${c.ref})` : ''
      }`,
    fix: () =>
      'Correct spec.ref (branch, tag, semver or commit) to one that exists in the repository',
  },
  {
    name: 'chart-version-not-found',
    category: 'source-not-found',
    confidence: 0.95,
    scopes: ['source'],
    pattern:
      /no chart version found for (?<chart>\S{1,300})|chart "(?<chartName>[^"]{1,200})"(?: version "[^"]{1,100}")? not found|failed to get chart version|chart with version matching/i,
    summary: (c, ctx) =>
      `${ctx.subject}: the chart version ${
        c.chart ?? c.chartName ?? ''
      } is not published`.replace(/ {2}/, ' '),
    fix: () =>
      'Set spec.chart.spec.version (or the HelmChart version) to a version published in the repository',
  },
  {
    name: 'source-repo-not-found',
    category: 'source-not-found',
    confidence: 0.85,
    scopes: ['source'],
    pattern:
      /repository not found|does not exist|no matching tags|MANIFEST_UNKNOWN|NAME_UNKNOWN|manifest unknown|\b404\b|not found/i,
    summary: (_c, ctx) =>
      `${ctx.subject} points to a repository, chart or artifact that does not exist`,
    fix: () =>
      'Correct spec.url (and ref/tag) to an existing repository or artifact',
  },
  {
    name: 'source-network',
    category: 'source-unavailable',
    confidence: 0.8,
    scopes: ['source'],
    pattern:
      /context deadline exceeded|i\/o timeout|timed? ?out|no such host|connection refused|connection reset|network is unreachable|temporary failure in name resolution|TLS handshake|x509:|certificate|\bEOF\b|\b50[0234]\b|too many requests|\b429\b|rate limit/i,
    summary: (_c, ctx) =>
      `${ctx.subject} cannot reach its remote (network, TLS or server error)`,
    fix: () =>
      `${NOT_IN_GIT}the remote is unreachable or failing; retry, check DNS/egress/TLS (spec.certSecretRef), or switch spec.url to a mirror`,
  },
];

const SOURCE_LINK_RULES: Rule[] = [
  {
    name: 'source-ref-missing',
    category: 'source-not-found',
    confidence: 0.85,
    scopes: NON_SOURCE,
    pattern:
      /unable to get source '(?<source>[^']{1,300})'.{0,200}?not found|Source '(?<source2>[^']{1,300})' not found/i,
    summary: c =>
      `The referenced source ${c.source ?? c.source2} does not exist`,
    fix: () =>
      'Correct spec.sourceRef (kind, name, namespace) to an existing Flux source',
  },
  {
    name: 'source-not-ready',
    category: 'source-unavailable',
    confidence: 0.45,
    scopes: NON_SOURCE,
    walk: 'source',
    pattern:
      /source is not ready|artifact not found|no artifact available|HelmChart '[^']{1,300}' is not ready|could not get Source object|latest generation of object has not been reconciled|chart .{0,60}not ready/i,
    summary: (_c, ctx) =>
      `${ctx.subject} is waiting for its source, which has no artifact`,
    fix: () =>
      `${NOT_IN_GIT}the source has no artifact yet; check the source object's own status`,
  },
];

const BUILD_RULES: Rule[] = [
  {
    name: 'sops-decryption-not-configured',
    category: 'decryption',
    confidence: 0.95,
    pattern: /is SOPS encrypted, configuring decryption is required/i,
    summary: (_c, ctx) =>
      `${target(ctx)} is SOPS-encrypted but ${
        ctx.subject
      } has no decryption configured`,
    fix: (_c, ctx) =>
      `Add spec.decryption (provider: sops, secretRef: the age/GPG key Secret) to ${ctx.subject}`,
  },
  {
    name: 'decryption-failed',
    category: 'decryption',
    confidence: 0.9,
    pattern:
      /failed to decrypt|decryption failed|error decrypting|could not decrypt|no key could decrypt|age: no identity matched|sops metadata|cannot get sops data key|Failed to get the data key/i,
    summary: (_c, ctx) =>
      `${ctx.subject} could not decrypt ${
        ctx.named ?? 'an encrypted manifest'
      }`,
    fix: () =>
      'Re-encrypt the file for the cluster key (.sops.yaml recipients) or point spec.decryption.secretRef to the Secret holding the matching key',
  },
  {
    name: 'substitute-from-missing',
    category: 'missing-dependency-object',
    confidence: 0.85,
    pattern: /substitute from '(?<ref>[^']{1,300})' error: .{0,200}?not found/i,
    summary: c =>
      `postBuild.substituteFrom references ${c.ref}, which does not exist`,
    fix: c =>
      `Create ${c.ref} (or mark the reference optional: true), or remove it from postBuild.substituteFrom`,
  },
  {
    name: 'variable-substitution',
    category: 'substitution',
    confidence: 0.95,
    pattern:
      /variable substitution failed(?:.{0,200}?variable not set[^:]{0,30}: ?"?(?<variable>[A-Za-z_][A-Za-z0-9_]{0,100}))?|envsubst error|substitute from '[^']{1,300}' error/i,
    summary: (c, ctx) =>
      `Post-build variable substitution failed in ${ctx.subject}${
        c.variable ? `: ${c.variable} is not set` : ''
      }`,
    fix: c =>
      c.variable
        ? `Define ${c.variable} in spec.postBuild.substitute or substituteFrom, or escape it as $\${${c.variable}} if it is not meant for Flux`
        : 'Fix the ${VAR} references: define them in spec.postBuild.substitute[From] or escape literal ones as $${VAR}',
  },
  {
    name: 'path-not-found',
    category: 'path-not-found',
    confidence: 0.95,
    pattern:
      /kustomization path not found|sparse checkout dir '[^']{1,300}' does not exist|spec\.path .{0,100}?(?:not found|does not exist)|failed to stat source path/i,
    summary: (_c, ctx) =>
      `spec.path of ${ctx.subject} does not exist in the source artifact`,
    fix: () =>
      'Correct spec.path to a directory that exists at this revision (paths are relative to the repository root)',
  },
  {
    name: 'missing-crd',
    category: 'missing-crd',
    confidence: 0.95,
    scopes: APPLIERS,
    pattern:
      /no matches for kind "(?<kind>[^"]{1,100})" in version "(?<version>[^"]{1,200})"|resource mapping not found|ensure CRDs are installed first|the server could not find the requested resource|no kind "(?<kind2>[^"]{1,100})" is registered/i,
    summary: (c, ctx) =>
      `${target(ctx)} uses ${
        c.kind || c.kind2
          ? `kind ${c.kind ?? c.kind2}${c.version ? ` (${c.version})` : ''}`
          : 'a kind'
      } whose CRD is not installed`,
    fix: c =>
      `Install the CRD for ${
        c.kind ?? c.kind2 ?? 'this kind'
      } first: put CRDs in their own Kustomization and add dependsOn on it, or correct the apiVersion${
        c.version ? ` (${c.version})` : ''
      }`,
  },
  {
    name: 'immutable-field',
    category: 'immutable-field',
    confidence: 0.95,
    pattern:
      /field is immutable|immutable field|for fields other than .{0,200}? are forbidden|may not change once set|field cannot be modified/i,
    summary: (_c, ctx) =>
      `${target(
        ctx,
      )} changes a field Kubernetes does not allow to change in place`,
    fix: (_c, ctx) =>
      ctx.helmAction
        ? 'Revert the immutable change (e.g. selector labels), or set spec.upgrade.force: true for one upgrade so Helm recreates the object'
        : `Revert the change to the immutable field of ${target(
            ctx,
          )}, or annotate the object with kustomize.toolkit.fluxcd.io/force: enabled so Flux recreates it`,
  },
  {
    name: 'admission-webhook',
    category: 'admission-webhook',
    confidence: 0.9,
    pattern:
      /admission webhook "(?<webhook>[^"]{1,253})" (?<verdict>denied the request|does not support dry run)|admission webhook .{0,200}?denied|failed calling webhook "(?<failedWebhook>[^"]{1,253})"|ValidatingAdmissionPolicy '(?<policy>[^']{1,253})'|violates PodSecurity "(?<pss>[^"]{1,100})"/i,
    summary: (c, ctx) => {
      const who =
        c.webhook ??
        c.failedWebhook ??
        c.policy ??
        (c.pss ? `PodSecurity ${c.pss}` : 'an admission controller');
      if (c.verdict === 'does not support dry run') {
        return `Admission webhook ${who} does not support dry-run, so ${target(
          ctx,
        )} cannot be validated`;
      }
      return c.failedWebhook
        ? `Admission webhook ${who} could not be called for ${target(ctx)}`
        : `${who} rejected ${target(ctx)}`;
    },
    fix: (c, ctx) => {
      if (c.failedWebhook) {
        return `${NOT_IN_GIT}the webhook service ${c.failedWebhook} is unreachable; fix or remove the webhook in the cluster`;
      }
      if (c.verdict === 'does not support dry run') {
        return 'Upgrade the operator that owns the webhook, or set its sideEffects to None (NoneOnDryRun) so dry-run is allowed';
      }
      return `Change ${target(
        ctx,
      )} to satisfy the policy quoted in the message`;
    },
  },
  {
    name: 'prune-failed',
    category: 'prune-failed',
    confidence: 0.9,
    scopes: APPLIERS,
    pattern:
      /prune failed|pruning failed|failed to prune|unable to prune|garbage collection failed/i,
    summary: (_c, ctx) =>
      `${ctx.subject} could not delete objects removed from Git`,
    fix: () =>
      'Check finalizers/RBAC on the removed objects; to keep an object, annotate it kustomize.toolkit.fluxcd.io/prune: disabled',
  },
  {
    name: 'prune-failed-reason',
    category: 'prune-failed',
    confidence: 0.9,
    scopes: APPLIERS,
    reasons: ['PruneFailed'],
    summary: (_c, ctx) =>
      `${ctx.subject} could not delete objects removed from Git`,
    fix: () =>
      'Check finalizers/RBAC on the removed objects; to keep an object, annotate it kustomize.toolkit.fluxcd.io/prune: disabled',
  },
  {
    name: 'missing-object',
    category: 'missing-dependency-object',
    confidence: 0.9,
    scopes: [...APPLIERS, 'workload'],
    pattern:
      /(?<type>namespaces?|serviceaccounts?|secrets?|configmaps?|persistentvolumeclaims?|priorityclass(?:es)?|storageclass(?:es)?|ingressclass(?:es)?)(?:\.[a-z.]{1,60})? "(?<name>[^"]{1,253})" not found|error looking up service account (?<sa>[^:\s]{1,300})|couldn't find key (?<key>\S{1,253}) in (?<keyOf>Secret|ConfigMap) (?<keyRef>\S{1,300})|could not resolve (?<valuesKind>Secret|ConfigMap) chart values reference '(?<valuesRef>[^']{1,300})'/i,
    summary: (c, ctx) => {
      if (c.key)
        return `${target(ctx)} needs key ${c.key} in ${c.keyOf} ${
          c.keyRef
        }, which is missing`;
      if (c.valuesRef)
        return `${ctx.subject} reads values from ${c.valuesKind} ${c.valuesRef}, which is missing`;
      const what = c.sa
        ? `service account ${c.sa}`
        : `${(c.type ?? 'object').replace(/e?s$/, '')} "${c.name}"`;
      return `${target(ctx)} needs ${what}, which does not exist`;
    },
    fix: (c, ctx) => {
      const what =
        c.sa ?? c.name ?? c.keyRef ?? c.valuesRef ?? 'the missing object';
      return `Create ${what} in an earlier Kustomization and add dependsOn on it (or remove the reference from ${target(
        ctx,
      )})`;
    },
  },
  {
    name: 'namespace-not-specified',
    category: 'invalid-manifest',
    confidence: 0.85,
    scopes: APPLIERS,
    pattern: /namespace not specified/i,
    summary: (_c, ctx) => `${target(ctx)} is namespaced but has no namespace`,
    fix: (_c, ctx) =>
      `Set metadata.namespace on ${target(ctx)}, or spec.targetNamespace on ${
        ctx.subject
      }`,
  },
  {
    name: 'ownership-conflict',
    category: 'ownership-conflict',
    confidence: 0.9,
    scopes: [...APPLIERS, 'workload'],
    pattern:
      /invalid ownership metadata|exists and cannot be imported into the current release|rendered manifests contain a resource that already exists|existing resource conflict|apply failed \(Conflict\)|dry-run failed \(Conflict\)|conflicts? with "(?<manager>[^"]{1,100})"|Apply failed with \d{1,4} conflicts?/i,
    summary: (c, ctx) =>
      c.manager
        ? `${target(ctx)} has fields owned by another manager (${c.manager})`
        : `${target(
            ctx,
          )} renders an object that already exists and is owned by someone else`,
    fix: () =>
      'Remove the duplicate object from the other owner (another Kustomization/HelmRelease), or adopt it (set Helm ownership labels/annotations, or let Flux take over with kustomize.toolkit.fluxcd.io/force: enabled)',
  },
  {
    name: 'pod-security-or-quota',
    category: 'admission-webhook',
    confidence: 0.75,
    scopes: [...APPLIERS, 'workload'],
    pattern:
      /is forbidden: (?:exceeded quota|violates PodSecurity|unable to validate against any (?:pod )?security polic)/i,
    summary: (_c, ctx) =>
      `An admission plugin (quota or pod security) rejected ${target(ctx)}`,
    fix: (_c, ctx) =>
      `Change ${target(
        ctx,
      )} to fit the namespace's ResourceQuota / Pod Security level`,
  },
  {
    name: 'rbac-forbidden',
    category: 'rbac-forbidden',
    confidence: 0.95,
    scopes: [...APPLIERS, 'workload'],
    pattern:
      /User "(?<user>[^"]{1,253})" cannot (?<verb>[a-z]{1,30}) resource "(?<resource>[^"]{1,253})"(?: in API group "(?<group>[^"]{0,253})")?/i,
    summary: c =>
      `${c.user} is not allowed to ${c.verb} ${c.resource}${
        c.group ? ` (${c.group})` : ''
      }`,
    fix: (c, ctx) =>
      c.user?.startsWith('system:serviceaccount:')
        ? `Set spec.serviceAccountName of ${ctx.subject} to an account allowed to ${c.verb} ${c.resource}, or grant that role in Git (RBAC manifests applied by a privileged Kustomization)`
        : `${NOT_IN_GIT}grant ${c.user} the right to ${c.verb} ${c.resource}`,
  },
  {
    name: 'forbidden',
    category: 'rbac-forbidden',
    confidence: 0.7,
    scopes: [...APPLIERS, 'workload'],
    pattern:
      /dry-run failed(?:, reason: | \()Forbidden|is forbidden|\bForbidden\b.{0,40}?cannot/i,
    summary: (_c, ctx) =>
      `The API server refused to let ${ctx.subject} apply ${target(ctx)}`,
    fix: (_c, ctx) =>
      `Give ${ctx.subject} a service account with the required rights (spec.serviceAccountName)`,
  },
];

const HELM_VALUES_RULES: Rule[] = [
  {
    name: 'helm-values-schema',
    category: 'helm-values',
    confidence: 0.95,
    scopes: ['helmrelease'],
    pattern:
      /values don't meet the specifications of the schema(?:.{0,300}?additional propert(?:y|ies) '(?<prop>[^']{1,200})' not allowed)?|values\.schema\.json/i,
    summary: c =>
      `The HelmRelease values violate the chart's values schema${
        c.prop ? `: ${c.prop} is not allowed` : ''
      }`,
    fix: c =>
      `Fix spec.values${
        c.prop
          ? ` (remove or move "${c.prop}" to where the chart's values.schema.json expects it)`
          : ' to match the chart values.schema.json'
      }`,
  },
  {
    name: 'helm-values-missing-key',
    category: 'helm-values',
    confidence: 0.9,
    scopes: ['helmrelease'],
    pattern:
      /missing key '(?<key>[^']{1,253})' in (?<refKind>Secret|ConfigMap) '(?<ref>[^']{1,300})'/i,
    summary: c =>
      `spec.valuesFrom expects key ${c.key} in ${c.refKind} ${c.ref}, which is missing`,
    fix: c =>
      `Set spec.valuesFrom[].valuesKey to the key that exists in ${c.refKind} ${c.ref}, or rename the key to ${c.key}`,
  },
];

const HELM_VALUES_REFERENCE_RULE: Rule = {
  name: 'helm-values-reference',
  category: 'helm-values',
  confidence: 0.85,
  scopes: ['helmrelease'],
  pattern:
    /chart values reference '(?<ref>[^']{1,300})'(?: with key '(?<key>[^']{1,253})')?: (?<problem>key not found|failed to merge value|failed to read values data|unsupported values reference kind)/i,
  summary: c =>
    `spec.valuesFrom reference ${c.ref}${
      c.key ? ` (key ${c.key})` : ''
    } cannot be used: ${c.problem}`,
  fix: c =>
    c.problem === 'key not found'
      ? `Set spec.valuesFrom[].valuesKey to a key that exists in ${
          c.ref
        }, or add key ${c.key ?? 'values.yaml'} to it`
      : `Fix the values in ${c.ref} (valid YAML of the types the chart expects) or the spec.valuesFrom entry`,
};

const HELM_RULES: Rule[] = [
  {
    name: 'helm-template-values',
    category: 'helm-values',
    confidence: 0.75,
    scopes: ['helmrelease'],
    pattern:
      /execution error at \((?<template>[^)]{1,300})\)|nil pointer evaluating|failed to (?:parse|merge) values|unable to parse values|error converting YAML to JSON|cannot unmarshal .{0,100}? into Go value of type/i,
    summary: c =>
      `The chart could not be rendered with these values${
        c.template ? ` (${c.template})` : ''
      }`,
    fix: () =>
      'Fix spec.values / valuesFrom: set the required values the template asks for, with the types the chart expects',
  },
  {
    name: 'helm-hooks-failed',
    category: 'helm-hook-or-test',
    confidence: 0.9,
    scopes: ['helmrelease'],
    pattern:
      /(?<hook>(?:pre|post)-(?:install|upgrade|rollback|delete)) hooks failed|hook execution failed|job .{0,100}? failed: BackoffLimitExceeded/i,
    summary: c => `A Helm ${c.hook ?? ''} hook failed`.replace('  ', ' '),
    fix: () =>
      'Fix the hook Job (image, command, config it needs), or disable it through the chart values; spec.install/upgrade.disableHooks only as a last resort',
  },
  {
    name: 'helm-test-failed',
    category: 'helm-hook-or-test',
    confidence: 0.9,
    scopes: ['helmrelease'],
    pattern:
      /Helm test failed|\btests? .{0,80}?failed|pod \S{1,253}-test\S{0,100} failed/i,
    summary: () => 'The chart tests run after install/upgrade failed',
    fix: () =>
      'Fix what the test checks, or set spec.test.ignoreFailures: true (or disable spec.test)',
  },
  {
    name: 'helm-operation-in-progress',
    category: 'helm-release-state',
    confidence: 0.9,
    scopes: ['helmrelease'],
    pattern:
      /another operation \(install\/upgrade\/rollback\) is in progress|has no deployed releases|cannot re-use a name that is still in use|release: already exists|\bpending-(?:install|upgrade|rollback)\b|release with status '(?<status>[^']{1,40})'|no release found|release disappeared from storage|missing target for rollback/i,
    summary: c =>
      `The Helm release is stuck in a state Helm cannot continue from${
        c.status ? ` (${c.status})` : ''
      }`,
    fix: () =>
      `${NOT_IN_GIT}unlock the release (Flux >= 2.2 does this itself; otherwise remove the pending release Secret or roll back), then reconcile`,
  },
  {
    name: 'retries-exhausted',
    category: 'retries-exhausted',
    confidence: 0.75,
    pattern:
      /(?:install|upgrade) retries exhausted|exceeded maximum retries|Failed to (?<action>install|upgrade|remediate|rollback|uninstall) after (?<attempts>\d{1,6}) attempt\(s\)/i,
    summary: c =>
      `The release gave up${
        c.action
          ? ` after ${c.attempts} ${c.action} attempt(s)`
          : ' after the configured retries'
      }; the original error is in earlier events`,
    fix: () =>
      'Fix the underlying failure, then change the chart version or values (or raise spec.install/upgrade.remediation.retries) so a new attempt starts',
  },
];

const WORKLOAD_RULES: Rule[] = [
  {
    name: 'oom-killed',
    category: 'oom-killed',
    confidence: 0.9,
    scopes: [...APPLIERS, 'workload'],
    pattern: /OOMKilled|OOM-?killed|out of memory|memory cgroup out of memory/i,
    summary: (_c, ctx) =>
      `Containers of ${target(
        ctx,
      )} are killed for exceeding their memory limit`,
    fix: (_c, ctx) =>
      `Raise resources.limits.memory of ${target(
        ctx,
      )} (or reduce the application's memory use)`,
  },
  {
    name: 'image-pull',
    category: 'image-pull',
    confidence: 0.9,
    scopes: [...APPLIERS, 'workload'],
    pattern:
      /ImagePullBackOff|ErrImagePull|ErrImageNeverPull|InvalidImageName|Failed to pull image|Back-off pulling image|pull access denied|manifest unknown|repository does not exist or may require/i,
    details: [/(?:pull(?:ing)? image|image) "(?<image>[^"]{1,300})"/i],
    summary: (c, ctx) =>
      `${target(ctx)} cannot pull its image${c.image ? ` ${c.image}` : ''}`,
    fix: (c, ctx) =>
      `Correct the image name/tag of ${target(ctx)}${
        c.image ? ` (${c.image})` : ''
      } to one that exists, or add imagePullSecrets for a private registry`,
  },
  {
    name: 'unschedulable',
    category: 'unschedulable',
    confidence: 0.9,
    scopes: [...APPLIERS, 'workload'],
    pattern:
      /\d{1,6}\/\d{1,6} nodes are available|FailedScheduling|\bUnschedulable\b|Insufficient (?:cpu|memory|ephemeral-storage|pods|[a-z0-9.-]{1,60}\/[a-z0-9.-]{1,60})|didn't match (?:Pod's )?node (?:affinity|selector)|untolerated taint|unbound immediate PersistentVolumeClaims|no nodes available to schedule pods|volume node affinity conflict/i,
    details: [
      /(?<avail>\d{1,6}\/\d{1,6}) nodes are available(?<why>[^.]{0,300})/,
      /Insufficient (?<resource>cpu|memory|ephemeral-storage|pods|[a-z0-9.-]{1,60}\/[a-z0-9.-]{1,60})/,
    ],
    summary: (c, ctx) =>
      `Pods of ${target(ctx)} cannot be scheduled${
        c.avail
          ? ` (${c.avail} nodes are available${c.why ?? ''})`
          : c.resource
          ? ` (insufficient ${c.resource})`
          : ''
      }`,
    fix: (c, ctx) =>
      c.resource || /insufficient/i.test(c.why ?? '')
        ? `Lower resources.requests of ${target(
            ctx,
          )} (or use strategy: Recreate so old and new pods do not both need room); otherwise add capacity`
        : `Relax nodeSelector/affinity/tolerations or the volume topology of ${target(
            ctx,
          )}; otherwise add suitable nodes`,
  },
  {
    name: 'crash-loop',
    category: 'workload-failed',
    confidence: 0.85,
    scopes: [...APPLIERS, 'workload'],
    pattern:
      /CrashLoopBackOff|Back-off restarting failed container|restarting failed container/i,
    summary: (_c, ctx) =>
      `Containers of ${target(ctx)} keep crashing (CrashLoopBackOff)`,
    fix: (_c, ctx) =>
      `Read the previous container logs; fix the command, configuration or probes of ${target(
        ctx,
      )}`,
  },
  {
    name: 'job-failed',
    category: 'workload-failed',
    confidence: 0.85,
    scopes: [...APPLIERS, 'workload'],
    walk: 'waited-objects',
    pattern:
      /BackoffLimitExceeded|Job has reached the specified backoff limit|Job was active longer than specified deadline|failed early due to stalled resources: \[Job\//i,
    summary: (_c, ctx) => `Job ${target(ctx)} failed`,
    fix: (_c, ctx) =>
      `Fix the command or configuration of ${target(
        ctx,
      )} (its pods' logs say why), or raise spec.backoffLimit`,
  },
  {
    name: 'progress-deadline',
    category: 'workload-failed',
    confidence: 0.8,
    scopes: [...APPLIERS, 'workload'],
    pattern: /ProgressDeadlineExceeded|exceeded its progress deadline/i,
    summary: (_c, ctx) =>
      `${target(ctx)} did not finish rolling out before its progress deadline`,
    fix: (_c, ctx) =>
      `Find why new pods of ${target(
        ctx,
      )} do not become ready (image, probes, resources) and fix it`,
  },
  {
    name: 'container-config-error',
    category: 'missing-dependency-object',
    confidence: 0.7,
    scopes: ['workload'],
    pattern: /CreateContainerConfigError/i,
    summary: (_c, ctx) =>
      `${target(
        ctx,
      )} references configuration (Secret/ConfigMap) that is missing`,
    fix: () =>
      'Create the referenced Secret/ConfigMap (or key) before the workload, or correct the reference',
  },
  {
    name: 'stalled-resources',
    category: 'workload-failed',
    confidence: 0.75,
    scopes: APPLIERS,
    walk: 'waited-objects',
    pattern: /failed early due to stalled resources/i,
    summary: (_c, ctx) => `Objects applied by ${ctx.subject} failed`,
    fix: () => 'Fix the failed objects named in the message',
  },
  {
    name: 'readiness-probe',
    category: 'workload-failed',
    confidence: 0.6,
    scopes: ['workload'],
    pattern:
      /Readiness probe failed|Liveness probe failed|Startup probe failed|failed to start properly/i,
    summary: (_c, ctx) => `Containers of ${target(ctx)} fail their probes`,
    fix: (_c, ctx) =>
      `Fix the probes of ${target(ctx)} or the application's startup`,
  },
];

const WAIT_RULES: Rule[] = [
  {
    name: 'dependency-not-ready',
    category: 'dependency-not-ready',
    confidence: 0.9,
    scopes: APPLIERS,
    walk: 'dependency',
    pattern:
      /dependency '[^']{1,300}' (?:is not ready|revision is not up to date|not found)|dependencies do not meet ready condition|must wait for dependency/i,
    details: [
      /dependency '(?<dep>[^']{1,300})' (?<state>is not ready|revision is not up to date|not found)/i,
    ],
    summary: (c, ctx) =>
      c.state === 'not found'
        ? `${ctx.subject} depends on ${c.dep}, which does not exist`
        : `${ctx.subject} waits for dependency ${
            c.dep ?? '(see dependsOn)'
          }, which is not ready`,
    fix: c =>
      c.state === 'not found'
        ? `Correct spec.dependsOn (${c.dep}) or create that object`
        : `Fix the failing dependency${
            c.dep ? ` ${c.dep}` : ''
          }, or remove a wrong spec.dependsOn entry`,
  },
  {
    name: 'health-check-timeout',
    category: 'health-check-timeout',
    confidence: 0.8,
    scopes: APPLIERS,
    walk: 'waited-objects',
    pattern: /health check failed after|timeout waiting for: \[/i,
    summary: (_c, ctx) =>
      `Objects applied by ${ctx.subject} did not become ready before the timeout`,
    fix: (_c, ctx) =>
      `Fix the objects that never became ready, or raise spec.timeout of ${ctx.subject}`,
  },
  {
    name: 'helm-wait-timeout',
    category: 'health-check-timeout',
    confidence: 0.75,
    scopes: ['helmrelease'],
    pattern:
      /context deadline exceeded|timed out waiting for the condition|wait(?:ing)? .{0,60}?timed? ?out/i,
    summary: (_c, ctx) =>
      `Helm ${
        ctx.helmAction ?? 'action'
      } timed out waiting for the release's resources to become ready`,
    fix: (_c, ctx) =>
      `Find the resource that never became ready (pods' events and logs) and fix it, or raise spec.timeout of ${ctx.subject}`,
  },
];

const FORMAT_RULES: Rule[] = [
  {
    name: 'invalid-yaml',
    category: 'invalid-yaml',
    confidence: 0.85,
    pattern:
      /yaml: line (?<line>\d{1,7})|yaml: unmarshal errors|did not find expected (?:key|node content|<document start>|'-' indicator)|mapping values are not allowed in this context|found character that cannot start any token|could not find expected ':'|found a tab character|invalid leading UTF-8|MalformedYAMLError|yaml: control characters are not allowed/i,
    summary: (c, ctx) =>
      `A manifest read by ${ctx.subject} is not valid YAML${
        c.line ? ` (line ${c.line})` : ''
      }`,
    fix: () =>
      'Fix the YAML syntax (indentation, duplicate keys, tabs, unquoted special characters) in the changed files',
  },
  {
    name: 'kustomize-build',
    category: 'kustomize-build',
    confidence: 0.85,
    scopes: ['kustomization'],
    pattern:
      /kustomize build failed|accumulating resources|accumulation err|must build at directory|evalsymlink failure|unable to find (?:one|field|patch target)|failed to find unique target for patch|no matches for Id|may not add resource with an already registered id|is not in or below|behavior must be merge or replace|invalid Kustomization|json: unknown field/i,
    summary: (_c, ctx) =>
      `kustomize could not build the manifests of ${ctx.subject}`,
    fix: () =>
      'Fix kustomization.yaml: resources/patches paths must exist at this revision, patch targets must match, fields must be in the right place',
  },
  {
    name: 'invalid-manifest',
    category: 'invalid-manifest',
    confidence: 0.85,
    scopes: APPLIERS,
    pattern:
      /dry-run failed(?:, reason: | \()(?:Invalid|BadRequest)|is invalid:|Invalid value:|Required value|Unsupported value|unknown field "(?<field>[^"]{1,200})"|strict decoding error|cannot unmarshal|failed to decode Kubernetes apiVersion, kind and name|must be no more than \d{1,5} characters|RFC 1123/i,
    summary: (c, ctx) =>
      `${target(ctx)} is rejected by the API server as invalid${
        c.field ? ` (unknown field ${c.field})` : ''
      }`,
    fix: (_c, ctx) =>
      `Correct ${target(
        ctx,
      )} as the validation message says (field names, types, required values)`,
  },
];

/** Used only when no message rule matched: the condition or event reason alone. */
const REASON_RULES: Rule[] = [
  reasonRule('AuthenticationFailed', 'source-auth', 0.8, ['source']),
  reasonRule('ChartPullError', 'source-not-found', 0.45, ['source']),
  reasonRule('ChartPullFailed', 'source-not-found', 0.45, ['source']),
  reasonRule('GitOperationFailed', 'source-unavailable', 0.4, ['source']),
  reasonRule('IndexationFailed', 'source-unavailable', 0.4, ['source']),
  reasonRule('OCIPullFailed', 'source-unavailable', 0.4, ['source']),
  reasonRule('OCIArtifactPullFailed', 'source-unavailable', 0.4, ['source']),
  reasonRule('URLInvalid', 'source-not-found', 0.5, ['source']),
  reasonRule(
    'DependencyNotReady',
    'dependency-not-ready',
    0.8,
    APPLIERS,
    'dependency',
  ),
  reasonRule(
    'ArtifactFailed',
    'source-unavailable',
    0.35,
    NON_SOURCE,
    'source',
  ),
  reasonRule(
    'HealthCheckFailed',
    'health-check-timeout',
    0.6,
    APPLIERS,
    'waited-objects',
  ),
  reasonRule('BuildFailed', 'kustomize-build', 0.5, ['kustomization']),
  reasonRule('ValuesError', 'helm-values', 0.7, ['helmrelease']),
  reasonRule('TestFailed', 'helm-hook-or-test', 0.7, ['helmrelease']),
  reasonRule('RetriesExceeded', 'retries-exhausted', 0.6, ['helmrelease']),
  reasonRule('FailedScheduling', 'unschedulable', 0.8, ['workload']),
  reasonRule('BackoffLimitExceeded', 'workload-failed', 0.8, ['workload']),
  reasonRule('ProgressDeadlineExceeded', 'workload-failed', 0.8, ['workload']),
];

function reasonRule(
  reason: string,
  category: FailureCategory,
  confidence: number,
  scopes: readonly RuleScope[],
  walk?: WalkHint,
): Rule {
  return {
    name: `reason:${reason}`,
    category,
    confidence,
    scopes,
    reasons: [reason],
    walk,
    summary: (_c, ctx) => `${ctx.subject} failed with reason ${reason}`,
    fix: () => defaultFix(category),
  };
}

const DEFAULT_FIXES: Partial<Record<FailureCategory, string>> = {
  'source-auth': `${NOT_IN_GIT}provide valid credentials in the Secret named by spec.secretRef`,
  'source-unavailable': `${NOT_IN_GIT}the source is unreachable; retry or check the remote`,
  'source-not-found':
    'Correct the source URL, ref or chart version to one that exists',
  'kustomize-build': 'Fix kustomization.yaml and the files it references',
  'dependency-not-ready':
    'Fix the failing dependency, or remove a wrong spec.dependsOn entry',
  'health-check-timeout':
    'Fix the objects that never became ready, or raise spec.timeout',
  'prune-failed': 'Check finalizers and RBAC of the objects removed from Git',
  'helm-values': 'Fix spec.values / spec.valuesFrom',
  'helm-hook-or-test':
    'Fix the failing hook or test, or set spec.test.ignoreFailures: true',
  'retries-exhausted':
    'Fix the underlying failure, then change the chart version or values so a new attempt starts',
  unschedulable:
    'Lower resources.requests or relax scheduling constraints; otherwise add capacity',
  'workload-failed':
    "Read the pods' events and logs and fix the workload configuration",
};

export function defaultFix(category: FailureCategory): string {
  return (
    DEFAULT_FIXES[category] ??
    'Read the evidence; no rule identified a specific change'
  );
}

/** Ordered: the first matching rule wins, so specific rules come before broad ones. */
export const RULES: readonly Rule[] = [
  ...SOURCE_RULES,
  ...SOURCE_LINK_RULES,
  ...HELM_VALUES_RULES,
  HELM_VALUES_REFERENCE_RULE,
  ...BUILD_RULES,
  ...HELM_RULES,
  ...WORKLOAD_RULES,
  ...WAIT_RULES,
  ...FORMAT_RULES,
  ...REASON_RULES,
];
