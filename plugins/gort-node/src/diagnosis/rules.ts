import type { FailureCategory } from '@gort-backstage/plugin-gort-common';
import { cite, TemplateSource } from './templates';

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
  /** The normalised message the rules ran on. */
  message?: string;
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
  /**
   * The message quotes another object's error (`HelmChart 'x' is not ready: <cause>`):
   * the `cause` capture is classified again in this scope, and a match there wins.
   */
  causeScope?: RuleScope;
  walk?: WalkHint;
  /** The upstream templates that write the messages this rule recognises. */
  sources: readonly TemplateSource[];
  summary: (c: Captures, ctx: RuleContext) => string;
  fix: (c: Captures, ctx: RuleContext) => string;
}

// Every pattern below is linear: alternations of literals, bounded character
// classes, and at most one bounded lazy gap. Messages are untrusted input.
// The first matching rule wins, so specific rules come before broad ones.

/** The prefix of `Diagnosis.fix` when no change in the repository can fix the failure. */
export const NOT_IN_GIT = 'not fixable in Git: ';
const target = (ctx: RuleContext) => ctx.named ?? ctx.subject;

const NON_SOURCE: readonly RuleScope[] = [
  'kustomization',
  'helmrelease',
  'workload',
];
const APPLIERS: readonly RuleScope[] = ['kustomization', 'helmrelease'];
const APPLIERS_AND_WORKLOADS: readonly RuleScope[] = [...APPLIERS, 'workload'];

/** Reasons that decide the category on their own, whatever the message says. */
const DECISIVE_REASON_RULES: Rule[] = [
  {
    name: 'reason:AccessDenied',
    category: 'rbac-forbidden',
    confidence: 0.85,
    scopes: NON_SOURCE,
    reasons: ['AccessDenied'],
    sources: [cite('fluxcd/pkg', 'apis/acl/conditions.go', 24, 'AccessDenied')],
    summary: (_c, ctx) =>
      `${ctx.subject} may not use the objects it references (cross-namespace reference blocked or service account missing)`,
    fix: (_c, ctx) =>
      `Reference objects in ${ctx.subject}'s own namespace, or set spec.serviceAccountName to an existing account; cross-namespace access is an admin decision`,
  },
  {
    name: 'reason:InvalidCELExpression',
    category: 'invalid-manifest',
    confidence: 0.9,
    scopes: APPLIERS,
    reasons: ['InvalidCELExpression'],
    sources: [
      cite(
        'fluxcd/pkg',
        'apis/meta/conditions.go',
        154,
        'InvalidCELExpression',
      ),
    ],
    summary: (_c, ctx) =>
      `A CEL expression in ${ctx.subject} (healthCheckExprs or dependsOn readyExpr) does not compile`,
    fix: (_c, ctx) =>
      `Correct the CEL expression in ${ctx.subject} (field names and syntax quoted in the message)`,
  },
];

const SOURCE_RULES: Rule[] = [
  {
    name: 'upstream-source-not-ready',
    category: 'source-unavailable',
    confidence: 0.45,
    scopes: ['source'],
    walk: 'source',
    causeScope: 'source',
    pattern:
      /(?:HelmRepository|GitRepository|OCIRepository|Bucket)(?: resource)? '[^']{1,300}' is not ready(?:: (?<cause>.{1,2000}))?|no artifact available for (?:HelmRepository|source)/i,
    sources: [
      cite('fluxcd/pkg', 'runtime/errors/errors.go', 50, 'is not ready'),
      cite(
        'fluxcd/source-controller',
        'internal/controller/helmchart_controller.go',
        462,
        'no artifact available for',
      ),
    ],
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
      /ssh: unable to authenticate|knownhosts: key (?:is unknown|mismatch)|hostkey could not be verified|permission denied \(publickey\)|no supported methods remain|SSH agent requested|SSH_AUTH_SOCK|ssh: no key found|ssh: this private key is passphrase protected/i,
    sources: [
      cite(
        'golang/crypto',
        'ssh/client_auth.go',
        154,
        'ssh: unable to authenticate',
      ),
      cite(
        'golang/crypto',
        'ssh/knownhosts/knownhosts.go',
        329,
        'knownhosts: key mismatch',
      ),
      cite(
        'golang/crypto',
        'ssh/knownhosts/knownhosts.go',
        327,
        'knownhosts: key is unknown',
      ),
    ],
    summary: (_c, ctx) =>
      `${ctx.subject} cannot authenticate to the Git server over SSH`,
    fix: () =>
      `${NOT_IN_GIT}register the deploy key and point spec.secretRef to a Secret with "identity" and "known_hosts" (the Secret itself must not be committed in clear text)`,
  },
  {
    name: 'git-auth',
    category: 'source-auth',
    confidence: 0.9,
    scopes: ['source'],
    pattern:
      /(?:error|unable to (?:clone|list remote for|fetch-connect to remote) '[^']{1,500}'): (?:authentication required|authorization failed|invalid auth method)|\b(?:authentication required|authorization failed): |could not read Username|invalid (?:username|credentials)|bad credentials/i,
    sources: [
      cite(
        'go-git/go-git',
        'plumbing/transport/errors.go',
        14,
        'authentication required',
      ),
      cite(
        'go-git/go-git',
        'plumbing/transport/errors.go',
        15,
        'authorization failed',
      ),
    ],
    summary: (_c, ctx) =>
      `${ctx.subject} is refused by the Git server: credentials are missing or wrong`,
    fix: () =>
      `${NOT_IN_GIT}create or rotate the credentials Secret referenced by spec.secretRef (username and token/password)`,
  },
  {
    name: 'git-auth-bare',
    category: 'source-auth',
    confidence: 0.85,
    scopes: ['source'],
    pattern: /(?:authentication required|authorization failed)\s*$/i,
    sources: [
      cite(
        'go-git/go-git',
        'plumbing/transport/errors.go',
        14,
        'authentication required',
      ),
    ],
    summary: (_c, ctx) =>
      `${ctx.subject} is refused by the remote: credentials are missing or wrong`,
    fix: () =>
      `${NOT_IN_GIT}create or rotate the credentials Secret referenced by spec.secretRef`,
  },
  {
    name: 'registry-auth',
    category: 'source-auth',
    confidence: 0.85,
    scopes: ['source'],
    pattern:
      /\bUNAUTHORIZED: |\bDENIED: |failed to (?:get credential|login to (?:OCI )?registry|authorize: failed to fetch (?:oauth|anonymous) token)|unable to retrieve credentials|pull access denied|requested access to the resource is denied|insufficient_scope|Authentication is required|\b401 Unauthorized\b|\b403 Forbidden\b/i,
    sources: [
      cite(
        'fluxcd/source-controller',
        'internal/controller/ocirepository_controller.go',
        348,
        'failed to get credential',
      ),
      cite(
        'fluxcd/source-controller',
        'internal/controller/helmchart_controller.go',
        619,
        'failed to login to OCI registry',
        'eae8f25c2b44defd83765b764cb680aa07fdc640',
      ),
    ],
    summary: (_c, ctx) =>
      `${ctx.subject} is refused by the registry: credentials are missing, wrong or lack pull rights`,
    fix: () =>
      `${NOT_IN_GIT}provide registry credentials (spec.secretRef with a docker-registry Secret, or spec.provider for cloud registries)`,
  },
  {
    name: 'source-secret-missing',
    category: 'source-auth',
    confidence: 0.85,
    scopes: ['source'],
    pattern:
      /failed to get secret '(?<secret>[^']{1,300})'|secrets? "(?<secretName>[^"]{1,253})" not found/i,
    sources: [
      cite(
        'fluxcd/source-controller',
        'internal/controller/gitrepository_controller.go',
        670,
        'failed to get secret',
      ),
    ],
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
    sources: [
      cite(
        'fluxcd/source-controller',
        'internal/controller/gitrepository_controller.go',
        1189,
        'signature verification of',
      ),
    ],
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
      /couldn't find remote ref "?(?<ref>[^"\s]{1,300})|configured branch '(?<branch>[^']{1,300})' does not exist|reference not found|unable to resolve (?:tag|revision|commit)|no match found for semver/i,
    sources: [
      cite('go-git/go-git', 'remote.go', 38, "couldn't find remote ref"),
    ],
    summary: (c, ctx) =>
      `${ctx.subject} points to a branch, tag or commit that does not exist${
        c.ref || c.branch ? ` (${c.ref ?? c.branch})` : ''
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
      /no chart version found for (?<chart>\S{1,300})|no '(?<chartName2>[^']{1,200})' chart with version matching|chart "(?<chartName>[^"]{1,200})"(?: version "[^"]{1,100}")? not found|no chart name found|matching .{0,100}? not found in .{0,300}? index|not found in \S{1,500} repository|chart with version matching/i,
    sources: [
      cite(
        'helm/helm',
        'pkg/repo/v1/index.go',
        240,
        'no chart version found for',
      ),
      cite('helm/helm', 'pkg/repo/v1/error.go', 29, 'not found in'),
      cite(
        'fluxcd/source-controller',
        'internal/helm/repository/chart_repository.go',
        242,
        'chart with version matching',
      ),
    ],
    summary: (c, ctx) =>
      `${ctx.subject}: the chart version ${
        c.chart ?? c.chartName ?? c.chartName2 ?? ''
      } is not published`.replace(/ {2}/, ' '),
    fix: () =>
      'Set spec.chart.spec.version (or the HelmChart version) to a version published in the repository, and check the chart name',
  },
  {
    name: 'oci-artifact-not-found',
    category: 'source-not-found',
    confidence: 0.9,
    scopes: ['source'],
    pattern:
      /couldn't find tag "(?<tag>[^"]{1,200})"|no matching tags|MANIFEST_UNKNOWN|NAME_UNKNOWN|manifest unknown|failed to perform "FetchReference" on source: .{0,300}?: not found|\bnot found: not found\b/i,
    sources: [
      cite(
        'fluxcd/source-controller',
        'internal/controller/ocirepository_controller.go',
        509,
        'failed to pull artifact from',
        '34bb9862e628e2226bccadc02a19776fe292466e',
      ),
    ],
    summary: (c, ctx) =>
      `${ctx.subject} points to an OCI artifact or tag that does not exist${
        c.tag ? ` (${c.tag})` : ''
      }`,
    fix: () =>
      'Correct spec.url and spec.ref (tag, semver or digest) to an artifact that is published',
  },
  {
    name: 'source-repo-not-found',
    category: 'source-not-found',
    confidence: 0.85,
    scopes: ['source'],
    pattern:
      /repository not found|bucket '(?<bucket>[^']{1,300})' does not exist|\b404 Not Found\b|: 404\b|does not exist/i,
    sources: [
      cite(
        'go-git/go-git',
        'plumbing/transport/errors.go',
        11,
        'repository not found',
      ),
      cite(
        'fluxcd/source-controller',
        'internal/controller/gitrepository_controller.go',
        1366,
        'does not exist',
      ),
      cite('helm/helm', 'pkg/getter/httpgetter.go', 100, 'failed to fetch'),
    ],
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
      /context deadline exceeded|i\/o timeout|connection timed out|timed? ?out|no such host|connection refused|connection reset|network is unreachable|temporary failure in name resolution|TLS handshake|x509: |tls: failed to verify certificate|\bEOF\b|\b50[0234]\b|too many requests|\b429\b|rate limit|dial tcp/i,
    sources: [
      cite(
        'fluxcd/source-controller',
        'internal/controller/helmrepository_controller.go',
        453,
        'failed to fetch Helm repository index',
      ),
      cite(
        'kubernetes/apimachinery',
        'pkg/util/net/http.go',
        97,
        'connection reset by peer',
      ),
    ],
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
    sources: [
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        218,
        "Source '%s' not found",
      ),
    ],
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
    causeScope: 'source',
    pattern:
      /(?<quotedKind>HelmChart|HelmRepository|GitRepository|OCIRepository|Bucket|ExternalArtifact) '(?<quotedRef>[^']{1,300})' is not ready(?:: (?<cause>.{1,2000}))?|source is not ready|artifact not found|no artifact available|could not get Source object|chart .{0,60}not ready|failed to download artifact/i,
    sources: [
      cite(
        'fluxcd/helm-controller',
        'internal/controller/helmrelease_controller.go',
        886,
        "'%s/%s' is not ready: %s",
      ),
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        272,
        'Source is not ready, artifact not found',
      ),
      cite(
        'fluxcd/helm-controller',
        'internal/controller/helmrelease_controller.go',
        289,
        'could not get Source object',
      ),
    ],
    summary: (_c, ctx) =>
      `${ctx.subject} is waiting for its source, which has no artifact`,
    fix: () =>
      `${NOT_IN_GIT}the source has no artifact yet; check the source object's own status`,
  },
];

const PATH_RULES: Rule[] = [
  {
    name: 'path-not-found',
    category: 'path-not-found',
    confidence: 0.95,
    scopes: APPLIERS,
    pattern:
      /kustomization path not found|kustomize create failed: .{0,500}?not a directory|sparse checkout dir '[^']{1,300}' does not exist|spec\.path .{0,100}?(?:not found|does not exist)|failed to stat source path/i,
    sources: [
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        378,
        'kustomization path not found',
      ),
      cite(
        'fluxcd/kustomize-controller',
        'controllers/kustomization_generator.go',
        254,
        'kustomize create failed',
        '79dd86581c2a5e42bd4dbaa39b70c2be58d1e6f9',
      ),
    ],
    summary: (_c, ctx) =>
      `spec.path of ${ctx.subject} is not a directory in the source artifact`,
    fix: () =>
      'Correct spec.path to a directory that exists at this revision (paths are relative to the repository root)',
  },
  {
    name: 'chart-path-not-found',
    category: 'path-not-found',
    confidence: 0.85,
    pattern:
      /no values file found at path|failed to locate (?:override )?values file|path "(?<chartPath>[^"]{1,300})" not found|failed to load chart from path .{0,500}?no such file or directory|no chart found at '/i,
    sources: [
      cite(
        'fluxcd/source-controller',
        'internal/helm/chart/builder_local.go',
        218,
        'no values file found at path',
      ),
      cite('helm/helm', 'pkg/action/install.go', 911, 'not found'),
    ],
    summary: (c, ctx) =>
      `The chart or values file path of ${
        ctx.subject
      } does not exist in the source${c.chartPath ? ` (${c.chartPath})` : ''}`,
    fix: () =>
      'Correct spec.chart.spec.chart (the chart path in the repository) or spec.chart.spec.valuesFiles to paths that exist',
  },
];

const DECRYPTION_RULES: Rule[] = [
  {
    name: 'sops-decryption-not-configured',
    category: 'decryption',
    confidence: 0.95,
    pattern: /is SOPS encrypted, configuring decryption is required/i,
    sources: [
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        950,
        'is SOPS encrypted, configuring decryption is required',
      ),
    ],
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
      /decryption failed for|failed to decrypt and format|Failed to get the data key required to decrypt|failed to decrypt sops data key|Error decrypting key|GetDataKey|no identity matched any of the recipients|failed to load age identities|sops metadata not found|no key could decrypt/i,
    sources: [
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        804,
        'decryption failed for',
      ),
      cite(
        'fluxcd/kustomize-controller',
        'internal/decryptor/decryptor.go',
        651,
        'failed to decrypt and format',
      ),
      cite(
        'getsops/sops',
        'usererrors.go',
        69,
        'Failed to get the data key required to',
      ),
      cite(
        'getsops/sops',
        'kms/keysource.go',
        339,
        'failed to decrypt sops data key with AWS KMS',
      ),
      cite(
        'FiloSottile/age',
        'age.go',
        247,
        'no identity matched any of the recipients',
      ),
    ],
    summary: (_c, ctx) =>
      `${ctx.subject} could not decrypt ${
        ctx.named ?? 'an encrypted manifest'
      }`,
    fix: () =>
      'Re-encrypt the file for the cluster key (.sops.yaml recipients) or point spec.decryption.secretRef to the Secret holding the matching key',
  },
];

const SUBSTITUTION_RULES: Rule[] = [
  {
    name: 'substitute-from-missing',
    category: 'missing-dependency-object',
    confidence: 0.85,
    pattern: /substitute from '(?<ref>[^']{1,300})' error: .{0,200}?not found/i,
    sources: [
      cite(
        'fluxcd/pkg',
        'kustomize/kustomize_varsub.go',
        169,
        "substitute from 'ConfigMap/%s' error",
      ),
    ],
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
      /variable substitution failed|envsubst error|(?:post build|var substitution) failed for|missing closing brace|unable to parse variable name|bad substitution|variable not set \(strict mode\)/i,
    details: [
      /variable not set[^:]{0,30}: ?"?(?<variable>[A-Za-z_][A-Za-z0-9_]{0,100})/i,
    ],
    sources: [
      cite(
        'fluxcd/pkg',
        'kustomize/kustomize_varsub.go',
        207,
        'variable substitution failed',
      ),
      cite(
        'fluxcd/pkg',
        'envsubst/parse/parse.go',
        32,
        'missing closing brace',
      ),
      cite(
        'fluxcd/pkg',
        'envsubst/parse/parse.go',
        36,
        'unable to parse variable name',
      ),
      cite(
        'fluxcd/pkg',
        'envsubst/template.go',
        111,
        'variable not set (strict mode)',
      ),
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        822,
        'post build failed for',
      ),
    ],
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
    // The API server quotes a name or value that still contains `${…}`: Flux
    // left a variable unexpanded (unsupported syntax, or substitution off).
    name: 'unexpanded-variable',
    category: 'substitution',
    confidence: 0.8,
    scopes: ['kustomization'],
    pattern:
      /(?:dry-run failed|is invalid|invalid resource name).{0,300}?"[^"]{0,200}\$\{[A-Za-z_][^}"]{0,100}\}/i,
    sources: [cite('fluxcd/pkg', 'ssa/errors/errors.go', 72, 'dry-run failed')],
    summary: (_c, ctx) =>
      `${target(
        ctx,
      )} still contains a \${…} variable after post-build substitution`,
    fix: (_c, ctx) =>
      `Define the variable in spec.postBuild of ${ctx.subject}, or use the plain \${VAR} / \${VAR:=default} forms Flux supports`,
  },
];

const BUILD_RULES: Rule[] = [
  {
    name: 'yaml-in-build',
    category: 'invalid-yaml',
    confidence: 0.85,
    pattern:
      /yaml: line (?<line>\d{1,7})|yaml: unmarshal errors|mapping key ".{1,200}" already defined|did not find expected (?:key|node content|<document start>|'-' indicator)|mapping values are not allowed in this context|found character that cannot start any token|could not find expected ':'|found a tab character|MalformedYAMLError|yaml: control characters are not allowed|invalid Kustomization: yaml/i,
    sources: [
      cite(
        'go-yaml/yaml',
        'scannerc.go',
        1411,
        'mapping values are not allowed in this context',
      ),
      cite('go-yaml/yaml', 'scannerc.go', 901, "could not find expected ':'"),
      cite('go-yaml/yaml', 'decode.go', 776, 'already defined at line'),
      cite(
        'kubernetes-sigs/kustomize',
        'kyaml/kio/byteio_reader.go',
        297,
        'MalformedYAMLError',
      ),
    ],
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
      /kustomize build failed|accumulating resources|accumulation err|accumulateFile|must build at directory|evalsymlink failure|unable to find one of 'kustomization\.yaml'|unable to find (?:field|patch target)|failed to find unique target for patch|multiple matches for Id|no matches for Id|may not add resource with an already registered id|found multiple possible referrals|is not in or below|behavior must be merge or replace|couldn't make (?:loader|target) for|trouble cloning|couldn't execute function|json: unknown field/i,
    sources: [
      cite(
        'kubernetes-sigs/kustomize',
        'api/internal/target/kusttarget.go',
        204,
        'accumulating resources',
      ),
      cite(
        'kubernetes-sigs/kustomize',
        'api/resmap/reswrangler.go',
        80,
        'may not add resource with an already registered id',
      ),
      cite(
        'kubernetes-sigs/kustomize',
        'api/filters/nameref/nameref.go',
        341,
        'found multiple possible referrals',
      ),
      cite(
        'kubernetes-sigs/kustomize',
        'api/internal/target/errmissingkustomization.go',
        20,
        'unable to find one of',
      ),
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        791,
        'kustomize build failed',
      ),
    ],
    summary: (_c, ctx) =>
      `kustomize could not build the manifests of ${ctx.subject}`,
    fix: () =>
      'Fix kustomization.yaml: resources/patches paths must exist at this revision, patch targets must match, fields must be in the right place',
  },
];

const API_RULES: Rule[] = [
  // Before admission: a delete a policy refused during garbage collection is a
  // prune failure (the message wraps the denial in `delete failed, errors:`).
  {
    name: 'prune-failed',
    category: 'prune-failed',
    confidence: 0.9,
    scopes: APPLIERS,
    pattern:
      /prune failed|pruning failed|failed to prune|unable to prune|garbage collection (?:for [^:]{1,100})?failed|delete failed, errors:/i,
    sources: [
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        1250,
        'unable to prune objects',
      ),
      cite(
        'fluxcd/pkg',
        'ssa/manager_delete.go',
        116,
        'delete failed, errors:',
      ),
    ],
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
    sources: [
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        507,
        'PruneFailed',
      ),
    ],
    summary: (_c, ctx) =>
      `${ctx.subject} could not delete objects removed from Git`,
    fix: () =>
      'Check finalizers/RBAC on the removed objects; to keep an object, annotate it kustomize.toolkit.fluxcd.io/prune: disabled',
  },
  {
    name: 'admission-webhook',
    category: 'admission-webhook',
    confidence: 0.9,
    pattern:
      /admission webhook "(?<webhook>[^"]{1,253})" (?<verdict>denied the request|does not support dry run)|admission webhook .{0,200}?denied|failed calling webhook "(?<failedWebhook>[^"]{1,253})"|failed to call webhook|ValidatingAdmissionPolicy '(?<policy>[^']{1,253})'/i,
    sources: [
      cite(
        'kubernetes/apiserver',
        'pkg/admission/plugin/webhook/errors/statuserror.go',
        29,
        'denied the request',
      ),
      cite(
        'kubernetes/apiserver',
        'pkg/admission/plugin/webhook/errors/statuserror.go',
        61,
        'does not support dry run',
      ),
      cite(
        'kubernetes/apiserver',
        'pkg/util/webhook/error.go',
        36,
        'failed calling webhook',
      ),
      cite(
        'kubernetes/apiserver',
        'pkg/admission/plugin/webhook/mutating/dispatcher.go',
        310,
        'failed to call webhook',
      ),
    ],
    summary: (c, ctx) => {
      const who =
        c.webhook ?? c.failedWebhook ?? c.policy ?? 'an admission controller';
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
    name: 'pod-security-or-quota',
    category: 'admission-webhook',
    confidence: 0.75,
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /is forbidden: (?:exceeded quota|violates PodSecurity|unable to validate against any (?:pod )?security polic)/i,
    sources: [
      cite(
        'kubernetes/pod-security-admission',
        'admission/admission.go',
        481,
        'violates PodSecurity',
      ),
    ],
    summary: (_c, ctx) =>
      `An admission plugin (quota or pod security) rejected ${target(ctx)}`,
    fix: (_c, ctx) =>
      `Change ${target(
        ctx,
      )} to fit the namespace's ResourceQuota / Pod Security level`,
  },
  {
    name: 'immutable-field',
    category: 'immutable-field',
    confidence: 0.95,
    pattern:
      /field is immutable|immutable field|Forbidden: updates to .{1,300}? (?:are|is) forbidden|is immutable after creation|may not change once set|field cannot be modified|can not be unset/i,
    sources: [
      cite(
        'kubernetes/apimachinery',
        'pkg/api/validation/objectmeta.go',
        37,
        'field is immutable',
      ),
      cite(
        'fluxcd/pkg',
        'ssa/manager_apply.go',
        145,
        'immutable field detected',
      ),
    ],
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
    name: 'helm-release-state',
    category: 'helm-release-state',
    confidence: 0.9,
    scopes: ['helmrelease'],
    pattern:
      /another operation \(install\/upgrade\/rollback\) is in progress|has no deployed releases|cannot re-use a name that is still in use|release: already exists|release: not found|\bpending-(?:install|upgrade|rollback)\b|release with status '(?<status>[^']{1,40})'|no release found|release disappeared from storage|missing target (?:release )?for rollback|from current release manifest|no \S{1,100} with the name "[^"]{1,253}" found/i,
    sources: [
      cite(
        'helm/helm',
        'pkg/action/action.go',
        74,
        'another operation (install/upgrade/rollback) is in progress',
      ),
      cite(
        'helm/helm',
        'pkg/storage/driver/driver.go',
        35,
        'has no deployed releases',
      ),
      cite(
        'helm/helm',
        'pkg/storage/driver/driver.go',
        29,
        'release: not found',
      ),
      cite(
        'helm/helm',
        'pkg/action/upgrade.go',
        354,
        'unable to build kubernetes objects from current release manifest',
      ),
      cite(
        'fluxcd/helm-controller',
        'internal/reconcile/atomic_release.go',
        69,
        'missing target release for rollback',
      ),
    ],
    summary: c =>
      `The Helm release is stuck in a state Helm cannot continue from${
        c.status ? ` (${c.status})` : ''
      }`,
    fix: () =>
      `${NOT_IN_GIT}unlock or repair the release (Flux >= 2.2 unlocks stale locks itself; otherwise roll back, or delete the broken release Secret), then reconcile`,
  },
  {
    name: 'namespace-not-specified',
    category: 'invalid-manifest',
    confidence: 0.85,
    scopes: APPLIERS,
    pattern: /namespace not specified/i,
    sources: [
      cite('fluxcd/pkg', 'ssa/errors/errors.go', 56, 'namespace not specified'),
    ],
    summary: (_c, ctx) => `${target(ctx)} is namespaced but has no namespace`,
    fix: (_c, ctx) =>
      `Set metadata.namespace on ${target(ctx)}, or spec.targetNamespace on ${
        ctx.subject
      }`,
  },
  {
    name: 'missing-crd',
    category: 'missing-crd',
    confidence: 0.95,
    scopes: APPLIERS,
    pattern:
      /no matches for kind "(?<kind>[^"]{1,100})" in version "(?<version>[^"]{1,200})"|resource mapping not found|ensure CRDs are installed first|the server doesn't have a resource type|the server could not find the requested resource|no kind "(?<kind2>[^"]{1,100})" is registered/i,
    sources: [
      cite(
        'kubernetes/apimachinery',
        'pkg/api/meta/errors.go',
        114,
        'no matches for kind',
      ),
      cite(
        'kubernetes/cli-runtime',
        'pkg/resource/mapper.go',
        69,
        'ensure CRDs are installed first',
      ),
      cite(
        'kubernetes/cli-runtime',
        'pkg/resource/builder.go',
        810,
        "the server doesn't have a resource type",
      ),
    ],
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
    name: 'helm-values-reference',
    category: 'helm-values',
    confidence: 0.9,
    scopes: ['helmrelease'],
    pattern:
      /missing key '(?<key>[^']{1,253})' in (?<refKind>Secret|ConfigMap) '(?<ref>[^']{1,300})'|unable to merge value from key '[^']{1,253}' in (?:Secret|ConfigMap) '[^']{1,300}'|chart values reference '(?<valuesRef>[^']{1,300})'(?: with key '[^']{1,253}')?: (?:key not found|failed to merge value|failed to read values data|unsupported values reference kind)/i,
    sources: [
      cite(
        'fluxcd/helm-controller',
        'internal/controller/helmrelease_controller.go',
        584,
        "missing key '%s' in %s '%s'",
        'fe661df9d7199ac920d26b352072c59ad0518b1f',
      ),
      cite(
        'fluxcd/helm-controller',
        'internal/controller/helmrelease_controller.go',
        648,
        "unable to merge value from key '%s' in %s '%s'",
        'fe661df9d7199ac920d26b352072c59ad0518b1f',
      ),
    ],
    summary: c =>
      c.key
        ? `spec.valuesFrom expects key ${c.key} in ${c.refKind} ${c.ref}, which is missing`
        : `A spec.valuesFrom reference${
            c.valuesRef ? ` (${c.valuesRef})` : ''
          } cannot be read or merged`,
    fix: c =>
      c.key
        ? `Set spec.valuesFrom[].valuesKey to the key that exists in ${c.refKind} ${c.ref}, or rename the key to ${c.key}`
        : 'Fix the spec.valuesFrom entry: the referenced Secret/ConfigMap must exist and hold the key, and targetPath must be a valid path',
  },
  {
    name: 'missing-object',
    category: 'missing-dependency-object',
    confidence: 0.9,
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /(?<type>namespaces?|serviceaccounts?|secrets?|configmaps?|persistentvolumeclaims?|priorityclass(?:es)?|storageclass(?:es)?|ingressclass(?:es)?)(?:\.[a-z.]{1,60})? (?:"(?<name>[^"]{1,253})" )?not found|error looking up service account (?<sa>[^:\s]{1,300})|couldn't find key (?<key>\S{1,253}) in (?<keyOf>Secret|ConfigMap) (?<keyRef>\S{1,300})|could not resolve (?<valuesKind>Secret|ConfigMap) chart values reference '(?<valuesRef>[^']{1,300})'/i,
    sources: [
      cite(
        'kubernetes/apimachinery',
        'pkg/api/errors/errors.go',
        155,
        'not found',
      ),
    ],
    summary: (c, ctx) => {
      if (c.key)
        return `${target(ctx)} needs key ${c.key} in ${c.keyOf} ${
          c.keyRef
        }, which is missing`;
      if (c.valuesRef)
        return `${ctx.subject} reads values from ${c.valuesKind} ${c.valuesRef}, which is missing`;
      const what = c.sa
        ? `service account ${c.sa}`
        : `${(c.type ?? 'object').replace(/e?s$/, '')}${
            c.name ? ` "${c.name}"` : ''
          }`;
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
    name: 'ownership-conflict',
    category: 'ownership-conflict',
    confidence: 0.9,
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /invalid ownership metadata|exists and cannot be imported into the current release|rendered manifests contain a resource that already exists|existing resource conflict|apply failed \(Conflict\)|dry-run failed \(Conflict\)|conflicts? with "(?<manager>[^"]{1,100})"|Apply failed with \d{1,4} conflicts?/i,
    sources: [
      cite(
        'helm/helm',
        'pkg/action/validate.go',
        192,
        'invalid ownership metadata',
      ),
      cite(
        'helm/helm',
        'pkg/action/validate.go',
        96,
        'exists and cannot be imported into the current release',
      ),
      cite(
        'kubernetes-sigs/structured-merge-diff',
        'merge/conflict.go',
        40,
        'conflict with',
      ),
    ],
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
    name: 'rbac-forbidden',
    category: 'rbac-forbidden',
    confidence: 0.95,
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /User "(?<user>[^"]{1,253})" cannot (?<verb>[a-z]{1,30}) (?:resource "(?<resource>[^"]{1,253})"(?: in API group "(?<group>[^"]{0,253})")?|(?<resource2>[a-z0-9.-]{1,253}) (?:in the namespace|at the cluster scope))|cannot impersonate/i,
    sources: [
      cite(
        'kubernetes/apiserver',
        'pkg/endpoints/handlers/responsewriters/errors.go',
        76,
        'cannot %s resource %q in API group %q',
      ),
      cite(
        'kubernetes/kubernetes',
        'staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go',
        72,
        'cannot %s %s in the namespace',
        '2c5753af09b8b4aeba6a1d10ce3384c530f03e22',
      ),
    ],
    summary: c =>
      `${c.user ?? 'The service account'} is not allowed to ${
        c.verb ?? 'do this'
      } ${c.resource ?? c.resource2 ?? ''}${
        c.group ? ` (${c.group})` : ''
      }`.trim(),
    fix: (c, ctx) =>
      c.user?.startsWith('system:serviceaccount:')
        ? `Set spec.serviceAccountName of ${
            ctx.subject
          } to an account allowed to ${c.verb} ${
            c.resource ?? c.resource2
          }, or grant that role in Git (RBAC manifests applied by a privileged Kustomization)`
        : `${NOT_IN_GIT}grant ${c.user ?? 'the identity'} the right to ${
            c.verb ?? 'do this'
          }`,
  },
  {
    name: 'forbidden',
    category: 'rbac-forbidden',
    confidence: 0.7,
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /dry-run failed(?:, reason: | \()Forbidden|is forbidden|\bForbidden\b.{0,40}?cannot|(?:query|failed)[^:]{0,60}: Unauthorized\s*$/i,
    sources: [
      cite(
        'kubernetes/apimachinery',
        'pkg/api/errors/errors.go',
        214,
        'is forbidden',
      ),
    ],
    summary: (_c, ctx) =>
      `The API server refused ${ctx.subject}'s request for ${target(ctx)}`,
    fix: (_c, ctx) =>
      `${NOT_IN_GIT}give ${ctx.subject} a service account with the required rights (spec.serviceAccountName) or restore the controller's own RBAC`,
  },
];

const HELM_RULES: Rule[] = [
  {
    name: 'helm-values-schema',
    category: 'helm-values',
    confidence: 0.95,
    scopes: ['helmrelease'],
    pattern:
      /values don't meet the specifications of the schema(?:.{0,300}?additional propert(?:y|ies) '(?<prop>[^']{1,200})' not allowed)?|values\.schema\.json/i,
    sources: [
      cite(
        'helm/helm',
        'pkg/chart/common/util/values.go',
        64,
        "values don't meet the specifications of the schema",
      ),
    ],
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
    name: 'helm-template-values',
    category: 'helm-values',
    confidence: 0.75,
    scopes: ['helmrelease'],
    pattern:
      /execution error at \((?<template>[^)]{1,300})\)|nil pointer evaluating|failed to (?:parse|merge) values|unable to parse values|cannot unmarshal .{0,100}? into Go value of type/i,
    sources: [
      cite('helm/helm', 'pkg/engine/engine.go', 502, 'execution error at'),
    ],
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
      /(?<hook>(?:pre|post)-(?:install|upgrade|rollback|delete)) hooks? failed|failed (?<hook2>(?:pre|post)-(?:install|upgrade|rollback|delete))|hook execution failed|\bjob (?:\S{1,253} )?failed: (?:BackoffLimitExceeded|DeadlineExceeded)/i,
    sources: [
      cite('helm/helm', 'pkg/action/hooks.go', 86, 'hook'),
      cite('helm/helm', 'pkg/kube/wait.go', 309, 'job failed'),
    ],
    summary: c =>
      `A Helm ${c.hook ?? c.hook2 ?? ''} hook failed`.replace('  ', ' '),
    fix: () =>
      'Fix the hook Job (image, command, config it needs), or disable it through the chart values; spec.install/upgrade.disableHooks only as a last resort',
  },
  {
    name: 'helm-test-failed',
    category: 'helm-hook-or-test',
    confidence: 0.9,
    scopes: ['helmrelease'],
    pattern:
      /Helm test failed|\d{1,4} test\(s\) failed|\btests? .{0,80}?failed|pod \S{1,253}-test\S{0,100} failed/i,
    sources: [
      cite(
        'fluxcd/helm-controller',
        'internal/reconcile/test.go',
        124,
        'Helm test failed',
      ),
    ],
    summary: () => 'The chart tests run after install/upgrade failed',
    fix: () =>
      'Fix what the test checks, or set spec.test.ignoreFailures: true (or disable spec.test)',
  },
  {
    name: 'retries-exhausted',
    category: 'retries-exhausted',
    confidence: 0.75,
    pattern:
      /(?:install|upgrade) retries exhausted|exceeded maximum retries|Failed to (?<action>install|upgrade|remediate|rollback|uninstall) after (?<attempts>\d{1,6}) attempt\(s\)/i,
    sources: [
      cite(
        'fluxcd/helm-controller',
        'internal/reconcile/atomic_release.go',
        57,
        'exceeded maximum retries',
      ),
      cite(
        'fluxcd/helm-controller',
        'internal/reconcile/atomic_release.go',
        205,
        'Failed to %s after %d attempt(s)',
      ),
    ],
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
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /OOMKilled|OOM-?killed|out of memory|memory cgroup out of memory|invoked oom-killer/i,
    sources: [
      cite(
        'kubernetes/cri-api',
        'pkg/apis/runtime/v1/api.proto',
        1539,
        'OOMKilled',
      ),
    ],
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
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /ImagePullBackOff|ErrImagePull|ErrImageNeverPull|InvalidImageName|Failed to pull image|Back-off pulling image|pull access denied|manifest unknown|repository does not exist or may require/i,
    details: [/(?:pull(?:ing)? image|image) "(?<image>[^"]{1,300})"/i],
    sources: [
      cite(
        'kubernetes/kubernetes',
        'pkg/kubelet/images/types.go',
        28,
        'ImagePullBackOff',
        '0a2f5b122db7f5dab90e3b6384811a68dd030ca3',
      ),
      cite(
        'kubernetes/kubernetes',
        'pkg/kubelet/images/types.go',
        34,
        'ErrImagePull',
        '0a2f5b122db7f5dab90e3b6384811a68dd030ca3',
      ),
    ],
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
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /\d{1,6}\/\d{1,6} nodes are available|No nodes are available that match all of the following predicates|failed to fit in any node|FailedScheduling|\bUnschedulable\b|Insufficient (?:cpu|memory|ephemeral-storage|pods|[a-z0-9.-]{1,60}\/[a-z0-9.-]{1,60})|didn't match (?:Pod's )?node (?:affinity|selector)|untolerated taint|unbound immediate PersistentVolumeClaims|no nodes available to schedule pods|volume node affinity conflict/i,
    details: [
      /(?<avail>\d{1,6}\/\d{1,6}) nodes are available(?<why>[^.]{0,300})/,
      /Insufficient (?<resource>cpu|memory|ephemeral-storage|pods|[a-z0-9.-]{1,60}\/[a-z0-9.-]{1,60})/,
    ],
    sources: [
      cite('kubernetes/api', 'core/v1/types.go', 3776, 'Unschedulable'),
    ],
    summary: (c, ctx) => {
      let detail = '';
      if (c.avail) detail = ` (${c.avail} nodes are available${c.why ?? ''})`;
      else if (c.resource) detail = ` (insufficient ${c.resource})`;
      return `Pods of ${target(ctx)} cannot be scheduled${detail}`;
    },
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
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /CrashLoopBackOff|Back-off restarting failed container|restarting failed container/i,
    sources: [
      cite(
        'kubernetes/kubernetes',
        'pkg/kubelet/container/sync_result.go',
        77,
        'CrashLoopBackOff',
        '008b3652959ca58af8be3fb5b6ecfe9ae7638282',
      ),
      cite(
        'fluxcd/cli-utils',
        'pkg/kstatus/status/core.go',
        499,
        'CrashLoopBackOff',
      ),
    ],
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
    scopes: APPLIERS_AND_WORKLOADS,
    walk: 'waited-objects',
    pattern:
      /BackoffLimitExceeded|Job has reach(?:ed)? the specified backoff limit|Job was active longer than specified deadline|failed early due to stalled resources: \[Job\//i,
    sources: [
      cite('kubernetes/api', 'batch/v1/types.go', 699, 'BackoffLimitExceeded'),
    ],
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
    scopes: APPLIERS_AND_WORKLOADS,
    pattern: /ProgressDeadlineExceeded|exceeded its progress deadline/i,
    sources: [
      cite(
        'kubernetes/kubectl',
        'pkg/polymorphichelpers/rollout_status.go',
        78,
        'exceeded its progress deadline',
      ),
    ],
    summary: (_c, ctx) =>
      `${target(ctx)} did not finish rolling out before its progress deadline`,
    fix: (_c, ctx) =>
      `Find why new pods of ${target(
        ctx,
      )} do not become ready (image, probes, resources) and fix it`,
  },
  {
    name: 'run-as-non-root',
    category: 'workload-failed',
    confidence: 0.85,
    scopes: APPLIERS_AND_WORKLOADS,
    pattern:
      /container has runAsNonRoot and image (?:will run as root|has non-numeric user)/i,
    sources: [
      cite(
        'kubernetes/kubernetes',
        'pkg/kubelet/kuberuntime/security_context_others.go',
        53,
        'container has runAsNonRoot and image will run as root',
        '1f671eec38a8b413ee8e1e3e69a46b0c9689beda',
      ),
    ],
    summary: (_c, ctx) =>
      `${target(ctx)} requires a non-root user but its image runs as root`,
    fix: (_c, ctx) =>
      `Set securityContext.runAsUser of ${target(
        ctx,
      )} to a numeric non-root user, or use an image that declares one`,
  },
  {
    name: 'stalled-resources',
    category: 'workload-failed',
    confidence: 0.75,
    scopes: APPLIERS,
    walk: 'waited-objects',
    pattern: /failed early due to stalled resources/i,
    sources: [
      cite(
        'fluxcd/pkg',
        'ssa/manager_wait.go',
        192,
        'failed early due to stalled resources',
      ),
    ],
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
    sources: [
      cite(
        'kubernetes/kubernetes',
        'pkg/kubelet/prober/prober.go',
        131,
        'probe failed',
        '0048eae8ebd4311f66de786f24ae56ec97bc0040',
      ),
    ],
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
    sources: [
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        604,
        "dependency '%s' is not ready",
      ),
      cite(
        'fluxcd/helm-controller',
        'internal/controller/helmrelease_controller.go',
        256,
        'dependencies do not meet ready condition',
      ),
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
    pattern:
      /health check failed after|timeout waiting for: \[|Health check timed out for \[/i,
    sources: [
      cite(
        'fluxcd/kustomize-controller',
        'internal/controller/kustomization_controller.go',
        1072,
        'health check failed after',
      ),
      cite('fluxcd/pkg', 'ssa/manager_wait.go', 194, 'timeout waiting for'),
    ],
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
      /context deadline exceeded|timed out waiting for the condition|would exceed context deadline|wait(?:ing)? .{0,60}?timed? ?out/i,
    sources: [
      cite(
        'kubernetes/apimachinery',
        'pkg/util/wait/error.go',
        28,
        'timed out waiting for the condition',
      ),
    ],
    summary: (_c, ctx) =>
      `Helm ${
        ctx.helmAction ?? 'action'
      } timed out waiting for the release's resources to become ready`,
    fix: (_c, ctx) =>
      `Find the resource that never became ready (pods' events and logs) and fix it, or raise spec.timeout of ${ctx.subject}`,
  },
];

const VALIDATION_RULES: Rule[] = [
  {
    name: 'invalid-manifest',
    category: 'invalid-manifest',
    confidence: 0.85,
    scopes: APPLIERS,
    pattern:
      /dry-run failed(?:, reason: | \()(?:Invalid|BadRequest)|is invalid:|Invalid value:|Required value|Unsupported value|unknown field "(?<field>[^"]{1,200})"|strict decoding error|error validating data|missing required field|cannot be handled as a|illegal base64 data|cannot unmarshal|failed to decode Kubernetes apiVersion, kind and name|must be no more than \d{1,5} characters|RFC 1123/i,
    sources: [
      cite(
        'kubernetes/apimachinery',
        'pkg/util/validation/field/errors.go',
        234,
        'Invalid value',
      ),
      cite(
        'kubernetes/apimachinery',
        'pkg/util/validation/field/errors.go',
        230,
        'Required value',
      ),
      cite(
        'kubernetes/apimachinery',
        'pkg/api/errors/errors.go',
        309,
        'is invalid: %v',
      ),
      cite(
        'kubernetes/apimachinery',
        'pkg/runtime/error.go',
        140,
        'strict decoding error',
      ),
      cite(
        'kubernetes/cli-runtime',
        'pkg/resource/visitor.go',
        262,
        'error validating data',
      ),
    ],
    summary: (c, ctx) =>
      `${target(ctx)} is rejected by the API server as invalid${
        c.field ? ` (unknown field ${c.field})` : ''
      }`,
    fix: (_c, ctx) =>
      `Correct ${target(
        ctx,
      )} as the validation message says (field names, types, required values; Secret data must be base64)`,
  },
];

/** Used only when no message rule matched: the condition or event reason alone. */
const REASON_RULES: Rule[] = [
  reasonRule(
    'AuthenticationFailed',
    'source-auth',
    0.8,
    ['source'],
    undefined,
    cite(
      'fluxcd/source-controller',
      'api/v1/condition_types.go',
      72,
      'AuthenticationFailed',
    ),
  ),
  reasonRule(
    'ChartPullError',
    'source-not-found',
    0.45,
    ['source'],
    undefined,
    cite(
      'fluxcd/source-controller',
      'internal/helm/chart/errors.go',
      82,
      'ChartPullError',
    ),
  ),
  reasonRule(
    'ChartPullFailed',
    'source-not-found',
    0.45,
    ['source'],
    undefined,
    cite(
      'fluxcd/source-controller',
      'api/v1beta1/helmchart_types.go',
      133,
      'ChartPullFailed',
    ),
  ),
  reasonRule(
    'GitOperationFailed',
    'source-unavailable',
    0.4,
    ['source'],
    undefined,
    cite(
      'fluxcd/source-controller',
      'api/v1/gitrepository_types.go',
      306,
      'GitOperationFailed',
    ),
  ),
  reasonRule(
    'IndexationFailed',
    'source-unavailable',
    0.4,
    ['source'],
    undefined,
    cite(
      'fluxcd/source-controller',
      'api/v1/helmrepository_types.go',
      158,
      'IndexationFailed',
    ),
  ),
  reasonRule(
    'OCIArtifactPullFailed',
    'source-unavailable',
    0.4,
    ['source'],
    undefined,
    cite(
      'fluxcd/source-controller',
      'api/v1/ocirepository_types.go',
      220,
      'OCIArtifactPullFailed',
    ),
  ),
  reasonRule(
    'URLInvalid',
    'source-not-found',
    0.5,
    ['source'],
    undefined,
    cite(
      'fluxcd/source-controller',
      'api/v1/condition_types.go',
      68,
      'URLInvalid',
    ),
  ),
  reasonRule(
    'DependencyNotReady',
    'dependency-not-ready',
    0.8,
    APPLIERS,
    'dependency',
    cite('fluxcd/pkg', 'apis/meta/conditions.go', 112, 'DependencyNotReady'),
  ),
  reasonRule(
    'SourceNotReady',
    'source-unavailable',
    0.4,
    NON_SOURCE,
    'source',
    cite(
      'fluxcd/helm-controller',
      'internal/controller/helmrelease_controller.go',
      301,
      'SourceNotReady',
    ),
  ),
  reasonRule(
    'ArtifactFailed',
    'source-unavailable',
    0.35,
    NON_SOURCE,
    'source',
    cite('fluxcd/pkg', 'apis/meta/conditions.go', 134, 'ArtifactFailed'),
  ),
  reasonRule(
    'HealthCheckFailed',
    'health-check-timeout',
    0.6,
    APPLIERS,
    'waited-objects',
    cite('fluxcd/pkg', 'apis/meta/conditions.go', 142, 'HealthCheckFailed'),
  ),
  reasonRule(
    'BuildFailed',
    'kustomize-build',
    0.5,
    ['kustomization'],
    undefined,
    cite('fluxcd/pkg', 'apis/meta/conditions.go', 138, 'BuildFailed'),
  ),
  reasonRule(
    'ValuesError',
    'helm-values',
    0.7,
    ['helmrelease'],
    undefined,
    cite(
      'fluxcd/helm-controller',
      'internal/controller/helmrelease_controller.go',
      319,
      'ValuesError',
    ),
  ),
  reasonRule(
    'TestFailed',
    'helm-hook-or-test',
    0.7,
    ['helmrelease'],
    undefined,
    cite(
      'fluxcd/helm-controller',
      'api/v2/condition_types.go',
      61,
      'TestFailed',
    ),
  ),
  reasonRule(
    'RetriesExceeded',
    'retries-exhausted',
    0.6,
    ['helmrelease'],
    undefined,
    cite(
      'fluxcd/helm-controller',
      'internal/reconcile/atomic_release.go',
      205,
      'RetriesExceeded',
    ),
  ),
  reasonRule(
    'FailedScheduling',
    'unschedulable',
    0.8,
    ['workload'],
    undefined,
    cite(
      'kubernetes/kubernetes',
      'pkg/scheduler/schedule_one.go',
      1096,
      'FailedScheduling',
      '4a37f009ca615534484b1116d0f147f1f23cf067',
    ),
  ),
  reasonRule(
    'BackoffLimitExceeded',
    'workload-failed',
    0.8,
    ['workload'],
    undefined,
    cite('kubernetes/api', 'batch/v1/types.go', 699, 'BackoffLimitExceeded'),
  ),
  reasonRule(
    'ProgressDeadlineExceeded',
    'workload-failed',
    0.8,
    ['workload'],
    undefined,
    cite(
      'kubernetes/kubectl',
      'pkg/util/deployment/deployment.go',
      56,
      'ProgressDeadlineExceeded',
    ),
  ),
  reasonRule(
    'FailedMount',
    'missing-dependency-object',
    0.5,
    ['workload'],
    undefined,
    cite(
      'kubernetes/kubernetes',
      'pkg/kubelet/events/event.go',
      50,
      'FailedMount',
      '00bdb3fade2ef1ada898bd8fae2c6a1958da3a5d',
    ),
  ),
];

function reasonRule(
  reason: string,
  category: FailureCategory,
  confidence: number,
  scopes: readonly RuleScope[],
  walk?: WalkHint,
  source?: TemplateSource,
): Rule {
  return {
    name: `reason:${reason}`,
    category,
    confidence,
    scopes,
    reasons: [reason],
    walk,
    sources: source ? [source] : [],
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
  'missing-dependency-object':
    'Create the missing object in an earlier Kustomization (dependsOn) or correct the reference',
};

export function defaultFix(category: FailureCategory): string {
  return (
    DEFAULT_FIXES[category] ??
    'Read the evidence; no rule identified a specific change'
  );
}

/** Ordered: the first matching rule wins, so specific rules come before broad ones. */
export const RULES: readonly Rule[] = [
  ...DECISIVE_REASON_RULES,
  ...SOURCE_RULES,
  ...SOURCE_LINK_RULES,
  ...PATH_RULES,
  ...DECRYPTION_RULES,
  ...SUBSTITUTION_RULES,
  ...BUILD_RULES,
  ...API_RULES,
  ...HELM_RULES,
  ...WORKLOAD_RULES,
  ...WAIT_RULES,
  ...VALIDATION_RULES,
  ...REASON_RULES,
];
