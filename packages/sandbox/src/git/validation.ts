/** Input validation for everything that reaches a git command line or a file path. */

export class InvalidGitInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidGitInputError';
  }
}

const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})$/;
const REPO_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
const SHA_PATTERN = /^[0-9a-f]{40}$/;
const SHORT_SHA_PATTERN = /^[0-9a-f]{4,40}$/;

export function isValidOwner(owner: string): boolean {
  return OWNER_PATTERN.test(owner);
}

export function isValidRepoName(repo: string): boolean {
  return (
    REPO_PATTERN.test(repo) && repo !== '.' && repo !== '..' && !repo.toLowerCase().endsWith('.git')
  );
}

export function assertOwnerAndRepo(owner: string, repo: string): void {
  if (!isValidOwner(owner)) throw new InvalidGitInputError('owner', `Invalid owner name: ${owner}`);
  if (!isValidRepoName(repo)) throw new InvalidGitInputError('repo', `Invalid repository name: ${repo}`);
}

export function isFullSha(value: string): boolean {
  return SHA_PATTERN.test(value);
}

export function isShaLike(value: string): boolean {
  return SHORT_SHA_PATTERN.test(value);
}

/** The rules of `git check-ref-format` for one ref name (without the `refs/` prefix requirement). */
export function isValidRefName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/')) return false;
  if (name.endsWith('.') || name.endsWith('.lock')) return false;
  if (name === '@' || name.includes('@{') || name.includes('..') || name.includes('//')) return false;
  if ([...name].some(char => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f)) return false;
  if (/[~^:?*[\\]/.test(name)) return false;
  return name.split('/').every(part => part.length > 0 && !part.startsWith('.'));
}

export function assertBranchName(branch: string): void {
  if (!isValidRefName(branch) || branch.startsWith('refs/') || branch === 'HEAD') {
    throw new InvalidGitInputError('branch', `Invalid branch name: ${branch}`);
  }
}

/** A fully qualified ref such as `refs/heads/main` or `refs/tags/v1`. */
export function assertFullRef(ref: string): void {
  if (!ref.startsWith('refs/') || !isValidRefName(ref) || ref.split('/').length < 3) {
    throw new InvalidGitInputError('ref', `Invalid ref: ${ref}`);
  }
}

/**
 * A path inside a repository: relative, no `.`/`..`/empty segments, no `.git`
 * segment, no NUL or backslash. Returns the path without a trailing slash.
 */
export function normalizeRepoPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed.length === 0) throw new InvalidGitInputError('path', 'Path must not be empty');
  if (trimmed.startsWith('/')) throw new InvalidGitInputError('path', `Path must be relative: ${path}`);
  if (trimmed.includes('\0') || trimmed.includes('\\')) throw new InvalidGitInputError('path', `Invalid character in path: ${path}`);
  for (const segment of trimmed.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InvalidGitInputError('path', `Invalid path segment in: ${path}`);
    }
    if (segment.toLowerCase() === '.git') {
      throw new InvalidGitInputError('path', `Path must not contain .git: ${path}`);
    }
  }
  return trimmed;
}

/** Like normalizeRepoPath, but the empty path (repository root) is allowed and returned as ''. */
export function normalizeOptionalRepoPath(path: string | undefined): string {
  if (path === undefined || path.replace(/\/+$/, '') === '') return '';
  return normalizeRepoPath(path);
}

/** Git identities go into commit headers; `<`, `>` and newlines would corrupt them. */
export function assertIdentity(identity: { name: string; email: string }): void {
  if (!identity.name || /[<>\n\r\0]/.test(identity.name)) {
    throw new InvalidGitInputError('name', 'Invalid identity name');
  }
  if (!identity.email || /[<>\n\r\0\s]/.test(identity.email)) {
    throw new InvalidGitInputError('email', 'Invalid identity email');
  }
}
