import { createHash } from 'node:crypto';
import { parseEntityRef } from '@backstage/catalog-model';
import type { FixValidationCheck, RunEvidenceItem } from '@gort-backstage/plugin-gort-common';
import { codeBlock, neutraliseCell, neutraliseText, quoteAiProse, redact } from '@gort-backstage/plugin-gort-node';
import { normaliseRepoDir } from './allowedPaths';

export const GORT_LABEL = 'gort';
export const FIX_BRANCH_PREFIX = 'gort/fix/';

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'entity';
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * `gort/fix/<entity-name>-<hash of the entity ref>/<short sha>`: two entities
 * of the same name (other kinds or namespaces) in one repository never share
 * a branch.
 */
export function fixBranchName(entityRef: string, sha: string): string {
  const digest = createHash('sha256').update(entityRef.toLowerCase()).digest('hex').slice(0, 8);
  return `${FIX_BRANCH_PREFIX}${slug(parseEntityRef(entityRef).name)}-${digest}/${shortSha(sha)}`;
}

/** The trailer every commit GORT makes carries. */
export function fingerprintTrailer(fingerprint: string): string {
  return `GORT-Fingerprint: ${fingerprint}`;
}

/**
 * The comment GORT posts instead of pushing when the PR's branch has commits
 * it did not make (a reviewer's changes are never rebuilt away).
 */
export function foreignCommitsComment(input: { entityRef: string; entityUrl: string; sha: string; category: string; summary: string; head: string; files: string[] }): string {
  return [
    `**GORT**: [${input.entityRef}](${input.entityUrl}) failed again at \`${shortSha(input.sha)}\` (\`${input.category}\`) with the failure this PR answers.`,
    '',
    neutraliseText(input.summary),
    '',
    `The branch has commits GORT did not make (head \`${shortSha(input.head)}\`), so GORT did not push its new proposal; it would have changed:`,
    '',
    ...input.files.map(f => `- \`${neutraliseCell(f)}\``),
  ].join('\n');
}

/** The plan document every fix PR adds, under the first docs path. */
export function planDocumentPath(docsPaths: string[], sha: string): string {
  const dir = normaliseRepoDir(docsPaths[0] ?? 'docs/plans/');
  return `${dir ? `${dir}/` : ''}gort-fix-${shortSha(sha)}.md`;
}

export function entityPageUrl(appBaseUrl: string, entityRef: string): string {
  const ref = parseEntityRef(entityRef);
  const part = (s: string) => encodeURIComponent(s);
  return `${appBaseUrl.replace(/\/+$/, '')}/catalog/${part(ref.namespace)}/${part(ref.kind.toLowerCase())}/${part(ref.name)}/gitops`;
}

/** Whether a commit message is the merge of a GORT fix branch. */
export function isGortFixMerge(message: string): boolean {
  return new RegExp(`^Merge pull request #\\d+ from \\S+/${FIX_BRANCH_PREFIX.replace(/\//g, '\\/')}`, 'm').test(message);
}

export interface FixPrContentInput {
  entityRef: string;
  sha: string;
  repo: string;
  category: string;
  summary: string;
  rootCause: string;
  diagnosis?: string;
  confidence?: number;
  evidence: RunEvidenceItem[];
  checks: FixValidationCheck[];
  files: string[];
  entityUrl: string;
  fingerprint: string;
  /** For intent failures: what the plan said and what runs. */
  findings?: Array<{ expectation: string; observed: string; status: string }>;
  /** Every kind the edits add or change (from the edit policy). */
  kindsChanged?: string[];
  /** Who wrote the summary and root cause, e.g. `anthropic claude-…`. */
  aiSource?: string;
  /** The failing Flux object, the cluster it failed in and the repository path it reconciles. */
  failing?: { object: string; cluster?: string; path?: string };
}

/** `- Failed: Kustomization/flux-system/podinfo in cluster prod, path \`clusters/prod/podinfo\`` */
function failingLine(failing: NonNullable<FixPrContentInput['failing']>): string {
  const cluster = failing.cluster ? ` in cluster \`${neutraliseCell(failing.cluster, 80)}\`` : '';
  const dir = failing.path !== undefined ? normaliseRepoDir(failing.path) : undefined;
  const path = dir !== undefined ? `, path \`${neutraliseCell(dir || '.', 200)}\`` : '';
  return `- Failed: \`${neutraliseCell(failing.object, 200)}\`${cluster}${path}`;
}

const EVIDENCE_ITEMS = 6;
const EVIDENCE_CHARS = 600;

function fence(text: string): string {
  return codeBlock(text, EVIDENCE_CHARS);
}

const STATUS_ICONS = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped', review: '⚠️ needs security review' } as const;

/** `passed` only for a check that ran and passed: a skipped check is never shown as one. */
export function checkStatus(check: FixValidationCheck): keyof typeof STATUS_ICONS {
  if (check.status) return check.status;
  if (!check.ok) return 'failed';
  return /^skipped\b/.test(check.detail) ? 'skipped' : 'passed';
}

export function checksTable(checks: FixValidationCheck[]): string {
  const rows = checks.map(c => `| ${STATUS_ICONS[checkStatus(c)]} ${c.check} | ${neutraliseCell(c.detail)} |`);
  return ['| check | result |', '|---|---|', ...rows].join('\n');
}

/** One line summing the validation up: ✅ only when every check ran and passed. */
export function validationVerdict(checks: FixValidationCheck[]): string {
  const statuses = checks.map(checkStatus);
  if (statuses.includes('failed')) return 'Validation ❌';
  if (statuses.includes('review')) return 'Validation ⚠️ needs security review (the edit policy flagged this change)';
  if (statuses.includes('skipped')) return `Validation incomplete: ${checks.filter(c => checkStatus(c) === 'skipped').map(c => c.check).join(', ')} skipped`;
  return 'Validation ✅';
}

export function fixPrTitle(input: Pick<FixPrContentInput, 'summary' | 'category'>): string {
  const first = redact(input.summary).split('\n')[0].replace(/[@#]/g, c => `${c}\u200b`).trim();
  return `GORT fix (${input.category}): ${first.length > 100 ? `${first.slice(0, 97)}…` : first}`;
}

export function fixPrBody(input: FixPrContentInput): string {
  const evidence = input.evidence.slice(0, EVIDENCE_ITEMS).map(e => `**${neutraliseCell(e.source, 200)}**\n${fence(e.message)}`);
  const findings = input.findings?.length
    ? ['## Intent findings', '', '| expectation | observed | status |', '|---|---|---|', ...input.findings.map(f => `| ${neutraliseCell(f.expectation)} | ${neutraliseCell(f.observed)} | ${neutraliseCell(f.status, 20)} |`), '']
    : [];
  const ai = input.aiSource ?? 'AI';
  return [
    `GORT followed commit \`${shortSha(input.sha)}\` of \`${input.repo}\` for [${input.entityRef}](${input.entityUrl}) and proposes this fix.`,
    '',
    '## Diagnosis',
    '',
    `- Category: \`${input.category}\``,
    ...(input.failing ? [failingLine(input.failing)] : []),
    ...(input.diagnosis ? [`- Rules: ${neutraliseText(input.diagnosis)}`] : []),
    ...(input.confidence !== undefined ? [`- Confidence: ${Math.round(input.confidence * 100)}%`] : []),
    '',
    '### Summary and root cause',
    '',
    quoteAiProse(`${input.summary}\n\nRoot cause: ${input.rootCause}`, ai),
    '',
    ...findings,
    '## Evidence (redacted)',
    '',
    ...(evidence.length ? evidence : ['(none)']),
    '',
    '## Validation before this PR was opened',
    '',
    validationVerdict(input.checks),
    '',
    checksTable(input.checks),
    '',
    '## Kinds changed',
    '',
    ...(input.kindsChanged?.length ? input.kindsChanged.map(k => `- \`${k.replace(/`/g, "'")}\``) : ['(no Kubernetes objects)']),
    '',
    '## Files',
    '',
    ...input.files.map(f => `- \`${f}\``),
    '',
    `Review it on the [GORT page of ${input.entityRef}](${input.entityUrl}).`,
    '',
    `<!-- gort-fingerprint: ${input.fingerprint} -->`,
  ].join('\n');
}

export function planDocument(input: { title: string; body: string; entityRef: string; sha: string; category: string; entityUrl: string }): string {
  return [
    `# ${input.title}`,
    '',
    `- Entity: [${input.entityRef}](${input.entityUrl})`,
    `- Failed commit: \`${input.sha}\``,
    `- Category: \`${input.category}\``,
    '',
    input.body.trim(),
    '',
  ].join('\n');
}

/** Findings posted on the pushed commit in diagnose-only mode. */
export function diagnoseOnlyComment(input: {
  entityRef: string;
  entityUrl: string;
  category: string;
  summary: string;
  rootCause?: string;
  evidence: RunEvidenceItem[];
  findings?: Array<{ expectation: string; observed: string; status: string }>;
}): string {
  return [
    `**GORT** (diagnose-only) for [${input.entityRef}](${input.entityUrl}): \`${input.category}\``,
    '',
    neutraliseText(input.summary),
    ...(input.rootCause ? ['', quoteAiProse(`Root cause: ${input.rootCause}`, 'AI')] : []),
    ...(input.findings?.length ? ['', ...input.findings.map(f => `- ${neutraliseCell(f.status, 20)}: ${neutraliseCell(f.expectation)} — observed: ${neutraliseCell(f.observed)}`)] : []),
    '',
    ...input.evidence.slice(0, 3).map(e => `**${neutraliseCell(e.source, 200)}**\n${fence(e.message)}`),
  ].join('\n');
}

export function escalationComment(input: { entityRef: string; entityUrl: string; sha: string; category: string; summary: string; attempts: number }): string {
  return [
    `**GORT**: after this fix was merged, [${input.entityRef}](${input.entityUrl}) failed again at \`${shortSha(input.sha)}\` (\`${input.category}\`).`,
    '',
    neutraliseText(input.summary),
    '',
    `GORT opened ${input.attempts} fix(es) after this merge and will not open another for this failure: a human needs to look.`,
  ].join('\n');
}
