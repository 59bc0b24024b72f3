import { isFailureCategory } from '@gort-backstage/plugin-gort-common';
import {
  AI_TOOL_LIMITS,
  FixEdit,
  IntentFinding,
  IntentVerdictInput,
  ProposeFixInput,
} from './tools';

export type ToolInputValidation<T> =
  | { ok: true; value: T }
  | { ok: false; problems: string[] };

/** At most this many problems are listed; the rest are counted. */
export const MAX_REPORTED_PROBLEMS = 20;

class Problems {
  private readonly list: string[] = [];
  private overflow = 0;

  add(at: string, message: string): void {
    if (this.list.length < MAX_REPORTED_PROBLEMS) {
      this.list.push(at ? `${at}: ${message}` : message);
    } else {
      this.overflow += 1;
    }
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  get count(): number {
    return this.list.length + this.overflow;
  }

  toList(): string[] {
    return this.overflow > 0
      ? [...this.list, `… and ${this.overflow} more problems`]
      : [...this.list];
  }
}

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function checkObject(
  value: unknown,
  at: string,
  allowed: readonly string[],
  problems: Problems,
): value is Json {
  if (!isPlainObject(value)) {
    problems.add(at, `must be an object, got ${describeType(value)}`);
    return false;
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      problems.add(at ? `${at}.${key}` : key, 'is not an allowed property');
    }
  }
  return true;
}

function checkString(
  value: unknown,
  at: string,
  { min = 1, max }: { min?: number; max: number },
  problems: Problems,
): value is string {
  if (value === undefined) {
    problems.add(at, 'is required');
    return false;
  }
  if (typeof value !== 'string') {
    problems.add(at, `must be a string, got ${describeType(value)}`);
    return false;
  }
  if (value.length < min) {
    problems.add(
      at,
      min === 1 ? 'must not be empty' : `must have at least ${min} characters`,
    );
    return false;
  }
  if (value.length > max) {
    problems.add(
      at,
      `must have at most ${max} characters, got ${value.length}`,
    );
    return false;
  }
  return true;
}

function checkConfidence(value: unknown, at: string, problems: Problems): void {
  if (value === undefined) {
    problems.add(at, 'is required');
  } else if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.add(
      at,
      `must be a number between 0 and 1, got ${describeType(value)}`,
    );
  } else if (value < 0 || value > 1) {
    problems.add(at, `must be between 0 and 1, got ${value}`);
  }
}

/** Problems with a repository-relative POSIX path, or undefined when it is one. */
export function describeRelativePathProblem(path: string): string | undefined {
  if (path.startsWith('/')) return 'must be relative to the repository root';
  if (path.includes('\\')) return 'must use "/" as separator';
  if (/\p{Cc}/u.test(path)) return 'must not contain control characters';
  const segments = path.split('/');
  if (segments.some(segment => segment === '..' || segment === '.')) {
    return 'must not contain "." or ".." segments';
  }
  if (segments.some(segment => segment === '')) {
    return 'must not contain empty segments';
  }
  return undefined;
}

function checkEdit(
  value: unknown,
  at: string,
  problems: Problems,
): value is FixEdit {
  if (!isPlainObject(value)) {
    problems.add(at, `must be an object, got ${describeType(value)}`);
    return false;
  }
  const before = problems.count;
  if (value.kind === 'replace') {
    checkObject(value, at, ['kind', 'path', 'search', 'replace'], problems);
    checkString(
      value.search,
      `${at}.search`,
      { max: AI_TOOL_LIMITS.searchChars },
      problems,
    );
    checkString(
      value.replace,
      `${at}.replace`,
      { min: 0, max: AI_TOOL_LIMITS.replaceChars },
      problems,
    );
    if (typeof value.search === 'string' && value.search === value.replace) {
      problems.add(
        at,
        'search and replace are identical, the edit changes nothing',
      );
    }
  } else if (value.kind === 'create') {
    checkObject(value, at, ['kind', 'path', 'content'], problems);
    checkString(
      value.content,
      `${at}.content`,
      { min: 0, max: AI_TOOL_LIMITS.contentChars },
      problems,
    );
  } else {
    problems.add(
      `${at}.kind`,
      `must be "replace" or "create", got ${
        JSON.stringify(value.kind) ?? 'nothing'
      }`,
    );
    return false;
  }
  if (
    checkString(
      value.path,
      `${at}.path`,
      { max: AI_TOOL_LIMITS.pathChars },
      problems,
    )
  ) {
    const pathProblem = describeRelativePathProblem(value.path);
    if (pathProblem) problems.add(`${at}.path`, pathProblem);
  }
  return problems.count === before;
}

function checkEdits(value: unknown, problems: Problems): void {
  if (value === undefined) {
    problems.add('edits', 'is required');
    return;
  }
  if (!Array.isArray(value)) {
    problems.add('edits', `must be an array, got ${describeType(value)}`);
    return;
  }
  if (value.length > AI_TOOL_LIMITS.maxEdits) {
    problems.add(
      'edits',
      `must have at most ${AI_TOOL_LIMITS.maxEdits} items, got ${value.length}`,
    );
    return;
  }
  const createdPaths = new Set<string>();
  const replacedPaths = new Set<string>();
  value.forEach((edit, index) => {
    const at = `edits[${index}]`;
    if (!checkEdit(edit, at, problems)) return;
    if (edit.kind === 'create') {
      if (createdPaths.has(edit.path) || replacedPaths.has(edit.path)) {
        problems.add(
          `${at}.path`,
          `"${edit.path}" is already edited by an earlier edit`,
        );
      }
      createdPaths.add(edit.path);
    } else {
      if (createdPaths.has(edit.path)) {
        problems.add(
          `${at}.path`,
          `"${edit.path}" is created by an earlier edit; put the final content there`,
        );
      }
      replacedPaths.add(edit.path);
    }
  });
}

/**
 * Checks a `propose_fix` tool input structurally. Whether edits apply to the
 * repository and stay inside the allowed paths is checked later, against the
 * files themselves.
 */
export function validateProposeFixInput(
  input: unknown,
): ToolInputValidation<ProposeFixInput> {
  const problems = new Problems();
  if (
    !checkObject(
      input,
      '',
      [
        'summary',
        'rootCause',
        'category',
        'confidence',
        'edits',
        'planDocument',
        'notFixableInGit',
      ],
      problems,
    )
  ) {
    return { ok: false, problems: problems.toList() };
  }
  checkString(
    input.summary,
    'summary',
    { max: AI_TOOL_LIMITS.summaryChars },
    problems,
  );
  checkString(
    input.rootCause,
    'rootCause',
    { max: AI_TOOL_LIMITS.rootCauseChars },
    problems,
  );
  if (input.category !== undefined && !isFailureCategory(input.category)) {
    problems.add(
      'category',
      `must be a failure taxonomy id, got ${JSON.stringify(input.category)}`,
    );
  }
  checkConfidence(input.confidence, 'confidence', problems);
  checkEdits(input.edits, problems);
  if (input.planDocument === undefined) {
    problems.add('planDocument', 'is required');
  } else if (
    checkObject(input.planDocument, 'planDocument', ['title', 'body'], problems)
  ) {
    checkString(
      input.planDocument.title,
      'planDocument.title',
      { max: AI_TOOL_LIMITS.planTitleChars },
      problems,
    );
    checkString(
      input.planDocument.body,
      'planDocument.body',
      { max: AI_TOOL_LIMITS.planBodyChars },
      problems,
    );
  }
  if (input.notFixableInGit !== undefined) {
    checkString(
      input.notFixableInGit,
      'notFixableInGit',
      { max: AI_TOOL_LIMITS.notFixableInGitChars },
      problems,
    );
    if (Array.isArray(input.edits) && input.edits.length > 0) {
      problems.add('notFixableInGit', 'is set, so edits must be empty');
    }
  }
  return problems.empty
    ? { ok: true, value: input as unknown as ProposeFixInput }
    : { ok: false, problems: problems.toList() };
}

const FINDING_STATUSES: ReadonlyArray<IntentFinding['status']> = [
  'met',
  'not_met',
  'unknown',
];

/** Checks a `report_intent_verdict` tool input, including that `met` agrees with the findings. */
export function validateIntentVerdictInput(
  input: unknown,
): ToolInputValidation<IntentVerdictInput> {
  const problems = new Problems();
  if (!checkObject(input, '', ['met', 'confidence', 'findings'], problems)) {
    return { ok: false, problems: problems.toList() };
  }
  if (typeof input.met !== 'boolean') {
    problems.add(
      'met',
      input.met === undefined
        ? 'is required'
        : `must be a boolean, got ${describeType(input.met)}`,
    );
  }
  checkConfidence(input.confidence, 'confidence', problems);
  const findings = input.findings;
  if (!Array.isArray(findings)) {
    problems.add(
      'findings',
      findings === undefined
        ? 'is required'
        : `must be an array, got ${describeType(findings)}`,
    );
  } else if (findings.length > AI_TOOL_LIMITS.maxFindings) {
    problems.add(
      'findings',
      `must have at most ${AI_TOOL_LIMITS.maxFindings} items, got ${findings.length}`,
    );
  } else {
    findings.forEach((finding, index) => {
      const at = `findings[${index}]`;
      if (
        !checkObject(
          finding,
          at,
          ['expectation', 'observed', 'status'],
          problems,
        )
      )
        return;
      checkString(
        finding.expectation,
        `${at}.expectation`,
        { max: AI_TOOL_LIMITS.findingTextChars },
        problems,
      );
      checkString(
        finding.observed,
        `${at}.observed`,
        { max: AI_TOOL_LIMITS.findingTextChars },
        problems,
      );
      if (
        !FINDING_STATUSES.includes(finding.status as IntentFinding['status'])
      ) {
        problems.add(
          `${at}.status`,
          `must be one of met, not_met, unknown; got ${
            JSON.stringify(finding.status) ?? 'nothing'
          }`,
        );
      }
    });
    if (
      input.met === true &&
      findings.some(f => isPlainObject(f) && f.status === 'not_met')
    ) {
      problems.add('met', 'is true although a finding is not_met');
    }
  }
  return problems.empty
    ? { ok: true, value: input as unknown as IntentVerdictInput }
    : { ok: false, problems: problems.toList() };
}
