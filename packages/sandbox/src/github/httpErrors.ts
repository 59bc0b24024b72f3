/** GitHub's error response shapes. */

export const DOCS_URL = 'https://docs.github.com/rest';

export interface ValidationErrorItem {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  message?: string;
}

export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message ?? status));
    this.name = 'GitHubHttpError';
  }
}

export function notFound(): GitHubHttpError {
  return new GitHubHttpError(404, { message: 'Not Found', documentation_url: DOCS_URL, status: '404' });
}

export function badCredentials(): GitHubHttpError {
  return new GitHubHttpError(401, { message: 'Bad credentials', documentation_url: DOCS_URL, status: '401' });
}

export function requiresAuthentication(): GitHubHttpError {
  return new GitHubHttpError(401, { message: 'Requires authentication', documentation_url: DOCS_URL, status: '401' });
}

export function validationFailed(errors: ValidationErrorItem[], message = 'Validation Failed'): GitHubHttpError {
  return new GitHubHttpError(422, { message, errors, documentation_url: DOCS_URL, status: '422' });
}

/** A 422 with only a message (GitHub uses these for ref and git-data errors). */
export function unprocessable(message: string): GitHubHttpError {
  return new GitHubHttpError(422, { message, documentation_url: DOCS_URL, status: '422' });
}

export function conflict(message: string): GitHubHttpError {
  return new GitHubHttpError(409, { message, documentation_url: DOCS_URL, status: '409' });
}

export function problem(status: number, message: string): GitHubHttpError {
  return new GitHubHttpError(status, { message, documentation_url: DOCS_URL, status: String(status) });
}

export function problemsParsingJson(): GitHubHttpError {
  return new GitHubHttpError(400, { message: 'Problems parsing JSON', documentation_url: DOCS_URL, status: '400' });
}
