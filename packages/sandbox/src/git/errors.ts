/** Errors the store raises for conditions a caller (e.g. the REST layer) maps to a response. */

export class RepoNotFoundError extends Error {
  constructor(owner: string, repo: string) {
    super(`Repository ${owner}/${repo} not found`);
    this.name = 'RepoNotFoundError';
  }
}

export class RepoExistsError extends Error {
  constructor(owner: string, repo: string) {
    super(`Repository ${owner}/${repo} already exists`);
    this.name = 'RepoExistsError';
  }
}

export class RefNotFoundError extends Error {
  constructor(readonly ref: string) {
    super(`Reference ${ref} not found`);
    this.name = 'RefNotFoundError';
  }
}

export class ObjectNotFoundError extends Error {
  constructor(readonly sha: string, readonly expectedType?: string) {
    super(`Object ${sha}${expectedType ? ` (${expectedType})` : ''} not found`);
    this.name = 'ObjectNotFoundError';
  }
}

/** The ref did not have the value the caller expected (compare-and-swap lost). */
export class RefConflictError extends Error {
  constructor(readonly ref: string, message?: string) {
    super(message ?? `Reference ${ref} was updated concurrently`);
    this.name = 'RefConflictError';
  }
}

export class RefExistsError extends Error {
  constructor(readonly ref: string) {
    super('Reference already exists');
    this.name = 'RefExistsError';
  }
}

export class NotFastForwardError extends Error {
  constructor(readonly ref: string) {
    super('Update is not a fast forward');
    this.name = 'NotFastForwardError';
  }
}

export class MergeConflictError extends Error {
  constructor(message = 'Merge conflict') {
    super(message);
    this.name = 'MergeConflictError';
  }
}
