import type { IncomingHttpHeaders } from 'node:http';
import {
  GitRepoStore,
  InvalidGitInputError,
  isValidOwner,
  isValidRepoName,
  MergeConflictError,
  NotFastForwardError,
  ObjectNotFoundError,
  RefConflictError,
  RefExistsError,
  RefNotFoundError,
  RepoNotFoundError,
} from '../git';
import { conflict, GitHubHttpError, notFound, unprocessable, validationFailed } from './httpErrors';
import { RepoContext, repoJson } from './representations';
import type { GitHubStateStore } from './stateStore';
import type { AppAuthority, Principal } from './appAuth';

export interface SandboxUser {
  login: string;
  name: string;
  email: string;
}

export interface ApiRequest {
  method: string;
  url: URL;
  params: Record<string, string>;
  body: unknown;
  headers: IncomingHttpHeaders;
  /** Who the credentials name (absent for anonymous reads). */
  principal?: Principal;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiServices {
  base: string;
  store: GitRepoStore;
  state: GitHubStateStore;
  user: SandboxUser;
  /** The GitHub App and its installations. */
  apps: AppAuthority;
  /** Last time a branch of the repository moved (for `pushed_at`). */
  pushedAt(fullName: string): string | undefined;
}

export type ApiHandler = (request: ApiRequest, services: ApiServices) => Promise<ApiResponse>;

export function json(status: number, body: unknown, headers?: Record<string, string>): ApiResponse {
  return { status, body, headers };
}

/** The repository named in the path, or GitHub's 404. */
export function requireRepo(services: ApiServices, params: Record<string, string>): RepoContext {
  const { owner, repo } = params;
  if (!isValidOwner(owner) || !isValidRepoName(repo) || !services.store.hasRepo(owner, repo)) throw notFound();
  return { base: services.base, owner, repo };
}

export async function describeRepo(services: ApiServices, c: RepoContext) {
  const fullName = `${c.owner}/${c.repo}`;
  const record = services.state.repo(fullName);
  const openIssues = record.pulls.filter(pull => pull.state === 'open').length;
  return repoJson(c, {
    id: record.id,
    defaultBranch: await services.store.getDefaultBranch(c.owner, c.repo),
    createdAt: record.createdAt,
    updatedAt: services.pushedAt(fullName) ?? record.createdAt,
    pushedAt: services.pushedAt(fullName) ?? record.createdAt,
    openIssues,
  });
}

export function userForEmail(services: ApiServices): (email: string) => string | undefined {
  return email => (email.toLowerCase() === services.user.email.toLowerCase() ? services.user.login : undefined);
}

export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw validationFailed([{ resource: 'Body', code: 'invalid' }], 'Invalid request.\n\nFor \'links/0/schema\', body is not an object.');
  }
  return body as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, field: string, resource: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') {
    throw validationFailed([{ resource, code: 'missing_field', field }]);
  }
  if (typeof value !== 'string') throw validationFailed([{ resource, code: 'invalid', field }]);
  return value;
}

export function optionalString(body: Record<string, unknown>, field: string, resource: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationFailed([{ resource, code: 'invalid', field }]);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, field: string, resource: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validationFailed([{ resource, code: 'invalid', field }]);
  return value;
}

/** `{name, email, date?}` as used by GitHub for author/committer inputs. */
export function optionalIdentity(body: Record<string, unknown>, field: string, resource: string) {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw validationFailed([{ resource, code: 'invalid', field }]);
  const identity = value as Record<string, unknown>;
  if (typeof identity.name !== 'string' || typeof identity.email !== 'string') {
    throw validationFailed([{ resource, code: 'invalid', field }]);
  }
  const date = typeof identity.date === 'string' ? identity.date : undefined;
  if (date !== undefined && Number.isNaN(new Date(date).getTime())) {
    throw validationFailed([{ resource, code: 'invalid', field: `${field}.date` }]);
  }
  return { name: identity.name, email: identity.email, date };
}

export function parsePositiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed > 0 && Number.isSafeInteger(parsed) ? parsed : undefined;
}

/** Translates store errors into GitHub responses; anything else propagates (→ 500). */
export function toHttpError(error: unknown): unknown {
  if (error instanceof GitHubHttpError) return error;
  if (error instanceof RepoNotFoundError || error instanceof RefNotFoundError) return notFound();
  if (error instanceof RefExistsError) return unprocessable('Reference already exists');
  if (error instanceof NotFastForwardError) return unprocessable('Update is not a fast forward');
  if (error instanceof RefConflictError) return conflict(error.message);
  if (error instanceof ObjectNotFoundError) return unprocessable('Object does not exist');
  if (error instanceof MergeConflictError) return conflict('Merge conflict');
  if (error instanceof InvalidGitInputError) {
    return validationFailed([{ resource: 'Request', code: 'invalid', field: error.field, message: error.message }]);
  }
  return error;
}
