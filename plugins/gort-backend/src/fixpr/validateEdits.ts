import type { FixValidationCheck } from '@gort-backstage/plugin-gort-common';
import { describeRelativePathProblem, EditPolicyReview, FixEdit, reviewEdits } from '@gort-backstage/plugin-gort-node';
import { parseAllDocuments } from 'yaml';
import { isForbiddenPath, matchesAllowedGlobs } from './allowedPaths';

export interface EditValidation {
  ok: boolean;
  checks: FixValidationCheck[];
  /** New content of every changed file (only meaningful when ok). */
  changed: Record<string, string>;
  /** What the edit policy found, and the kinds the edits change. */
  review: EditPolicyReview;
  /** The policy found something and is configured to label rather than refuse. */
  needsSecurityReview: boolean;
}

/** What the edit policy does with a proposal that widens privilege or trust. */
export type EditPolicyMode = 'refuse' | 'label';
export const SECURITY_REVIEW_LABEL = 'needs-security-review';

function countOccurrences(text: string, search: string): number {
  let count = 0;
  for (let at = text.indexOf(search); at >= 0; at = text.indexOf(search, at + search.length)) count++;
  return count;
}

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** Problems with the YAML documents of a file: parse errors and clear-text Secrets. */
export function yamlProblems(content: string): { parse: string[]; secrets: string[] } {
  const parse: string[] = [];
  const secrets: string[] = [];
  const docs = parseAllDocuments(content);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    for (const error of doc.errors) parse.push(`document ${index + 1}: ${error.message.split('\n')[0]}`);
    if (doc.errors.length) return;
    const value = doc.toJS() as Record<string, unknown> | null;
    if (!value || typeof value !== 'object') return;
    const hasData = value.data !== undefined || value.stringData !== undefined;
    if (value.kind === 'Secret' && hasData && value.sops === undefined) {
      const name = (value.metadata as { name?: string } | undefined)?.name ?? '?';
      secrets.push(`document ${index + 1}: Secret ${name} has data in clear text (not sops-encrypted)`);
    }
  });
  return { parse, secrets };
}

/**
 * Checks every edit of a proposed fix against the files at the pushed commit
 * (`files`: path → content, undefined when the file does not exist) and
 * computes the changed files. Nothing here does I/O.
 */
export function validateEdits(
  edits: FixEdit[],
  files: ReadonlyMap<string, string | undefined>,
  allowedGlobs: string[],
  options: { policy?: EditPolicyMode } = {},
): EditValidation {
  const pathFailures: string[] = [];
  const globFailures: string[] = [];
  const applyFailures: string[] = [];
  const changed = new Map<string, string>();

  for (const [index, edit] of edits.entries()) {
    const at = `edit ${index + 1} (${edit.kind} ${edit.path})`;
    const pathProblem = describeRelativePathProblem(edit.path);
    if (pathProblem) {
      pathFailures.push(`${at}: path ${pathProblem}`);
      continue;
    }
    if (isForbiddenPath(edit.path)) globFailures.push(`${at}: .github/ and .git/ are never edited`);
    else if (!matchesAllowedGlobs(edit.path, allowedGlobs)) globFailures.push(`${at}: outside the allowed paths ${allowedGlobs.join(', ')}`);

    const current = changed.has(edit.path) ? changed.get(edit.path) : files.get(edit.path);
    if (edit.kind === 'create') {
      if (current !== undefined) applyFailures.push(`${at}: the file already exists; use a replace edit`);
      else changed.set(edit.path, edit.content);
      continue;
    }
    if (current === undefined) {
      applyFailures.push(`${at}: the file does not exist at the pushed commit`);
      continue;
    }
    const occurrences = countOccurrences(current, edit.search);
    if (occurrences !== 1) {
      applyFailures.push(`${at}: search text occurs ${occurrences} times, expected exactly once`);
      continue;
    }
    changed.set(edit.path, current.replace(edit.search, () => edit.replace));
  }

  const yamlFailures: string[] = [];
  const secretFailures: string[] = [];
  for (const [path, content] of changed) {
    if (!isYamlPath(path)) continue;
    const problems = yamlProblems(content);
    yamlFailures.push(...problems.parse.map(p => `${path}: ${p}`));
    secretFailures.push(...problems.secrets.map(p => `${path}: ${p}`));
  }

  const review = reviewEdits(Object.fromEntries(changed), files);
  const policyFailures = review.findings.map(f => `${f.path}${f.document ? ` document ${f.document}` : ''} ${f.object}: ${f.reason}`);
  const labelled = (options.policy ?? 'refuse') === 'label' && policyFailures.length > 0;

  const yamlFiles = [...changed.keys()].filter(isYamlPath).length;
  const checks: FixValidationCheck[] = [
    check('edits', edits.length > 0 ? [] : ['the proposal has no edits'], `${edits.length} edit(s)`),
    check('paths', pathFailures, 'all paths are relative, without . or .. segments'),
    check('allowed-paths', globFailures, `all paths match ${allowedGlobs.join(', ') || '(no globs)'}`),
    check('apply', applyFailures, 'every search text occurs exactly once and every edit applies'),
    check('yaml', yamlFailures, `${yamlFiles} YAML file(s) parse (all documents)`),
    check('no-clear-text-secrets', secretFailures, 'no Secret with clear-text data'),
    labelled
      ? { check: 'edit-policy', ok: true, status: 'review', detail: `needs security review: ${policyFailures.slice(0, 10).join('; ')}` }
      : check('edit-policy', policyFailures, `nothing widens privilege or trust (kinds changed: ${review.kindsChanged.join(', ') || 'none'})`),
  ];
  return { ok: checks.every(c => c.ok), checks, changed: Object.fromEntries(changed), review, needsSecurityReview: labelled };
}

function check(name: string, failures: string[], okDetail: string): FixValidationCheck {
  return failures.length === 0
    ? { check: name, ok: true, status: 'passed', detail: okDetail }
    : { check: name, ok: false, status: 'failed', detail: failures.slice(0, 10).join('; ') };
}
