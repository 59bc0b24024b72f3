import { normalizeOptionalRepoPath } from '../../git';
import {
  ApiHandler,
  ApiResponse,
  ApiServices,
  bodyObject,
  json,
  optionalIdentity,
  optionalString,
  requiredString,
  requireRepo,
} from '../apiContext';
import { conflict, notFound, problem, validationFailed } from '../httpErrors';
import { contentJson, gitCommitJson, RepoContext } from '../representations';
import type { Router } from '../router';

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function safePath(rawPath: string | undefined): string {
  try {
    return normalizeOptionalRepoPath(rawPath);
  } catch {
    throw notFound();
  }
}

export const getContent: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const filePath = safePath(request.params.path);
  const ref = request.url.searchParams.get('ref') || (await services.store.getDefaultBranch(c.owner, c.repo));
  const commitSha = await services.store.resolveCommit(c.owner, c.repo, ref);
  if (!commitSha) throw problem(404, `No commit found for the ref ${ref}`);
  const entry = await services.store.getPathEntry(c.owner, c.repo, commitSha, filePath);
  if (!entry) throw notFound();

  if (entry.type === 'tree') {
    const children = (await services.store.listTree(c.owner, c.repo, entry.sha)) ?? [];
    const prefix = filePath === '' ? '' : `${filePath}/`;
    return json(
      200,
      children.map(child =>
        contentJson(c, { ...child, path: prefix + child.path, size: child.size ?? 0 }, ref),
      ),
    );
  }
  const content = entry.type === 'blob' ? await services.store.readBlob(c.owner, c.repo, entry.sha) : undefined;
  if (content && /\bvnd\.github(\.v3)?\.raw\b/.test(String(request.headers.accept ?? ''))) {
    return { status: 200, body: content, headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
  }
  return json(200, contentJson(c, { ...entry, size: entry.size ?? 0 }, ref, content));
};

/** Resolves the target branch of a contents write; an empty repository accepts its default branch. */
async function targetBranch(services: ApiServices, c: RepoContext, requested: string | undefined) {
  const defaultBranch = await services.store.getDefaultBranch(c.owner, c.repo);
  const branch = requested ?? defaultBranch;
  const headSha = await services.store.getRef(c.owner, c.repo, `refs/heads/${branch}`).catch(() => undefined);
  if (!headSha) {
    const empty = (await services.store.listRefs(c.owner, c.repo, 'refs/heads/')).length === 0;
    if (!(empty && branch === defaultBranch)) throw problem(404, `Branch ${branch} not found`);
  }
  return { branch, headSha };
}

function identities(services: ApiServices, body: Record<string, unknown>) {
  const fallback = { name: services.user.name, email: services.user.email };
  const author = optionalIdentity(body, 'author', 'Commit') ?? optionalIdentity(body, 'committer', 'Commit') ?? fallback;
  const committer = optionalIdentity(body, 'committer', 'Commit') ?? author;
  return { author, committer };
}

async function writeFile(
  services: ApiServices,
  c: RepoContext,
  filePath: string,
  body: Record<string, unknown>,
  content: Buffer | null,
): Promise<ApiResponse> {
  const message = requiredString(body, 'message', 'Commit');
  const suppliedSha = optionalString(body, 'sha', 'Commit');
  const { branch, headSha } = await targetBranch(services, c, optionalString(body, 'branch', 'Commit'));
  const existing = headSha ? await services.store.getPathEntry(c.owner, c.repo, headSha, filePath) : undefined;
  if (existing && existing.type !== 'blob') {
    throw validationFailed([{ resource: 'Commit', code: 'invalid', field: 'path' }]);
  }
  if (content === null && !existing) throw notFound();
  if (existing && !suppliedSha) {
    throw validationFailed([], 'Invalid request.\n\n"sha" wasn\'t supplied.');
  }
  if (existing && suppliedSha !== existing.sha) throw conflict(`${filePath} does not match ${suppliedSha}`);

  const { author, committer } = identities(services, body);
  const result = await services.store.commitFiles(c.owner, c.repo, {
    branch,
    changes: { [filePath]: content },
    message,
    author,
    committer,
    expectedHeadSha: headSha,
    pusher: { name: services.user.login, email: services.user.email },
  });
  const commit = await services.store.getCommit(c.owner, c.repo, result.sha);
  const commitBody = commit ? gitCommitJson(c, commit) : { sha: result.sha };
  if (content === null) return json(200, { content: null, commit: commitBody });
  const written = await services.store.getPathEntry(c.owner, c.repo, result.sha, filePath);
  return json(existing ? 200 : 201, {
    content: written ? contentJson(c, { ...written, size: written.size ?? 0 }, branch) : null,
    commit: commitBody,
  });
}

export const putContent: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const filePath = safePath(request.params.path);
  if (filePath === '') throw notFound();
  const body = bodyObject(request.body);
  const encoded = requiredString(body, 'content', 'Commit');
  if (!BASE64.test(encoded)) throw validationFailed([], 'content is not valid Base64');
  return writeFile(services, c, filePath, body, Buffer.from(encoded, 'base64'));
};

export const deleteContent: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const filePath = safePath(request.params.path);
  if (filePath === '') throw notFound();
  const body = bodyObject(request.body);
  requiredString(body, 'sha', 'Commit');
  return writeFile(services, c, filePath, body, null);
};

/** `/{owner}/{repo}/raw/{ref}/{path}`: the longest prefix that names a ref wins, like GitHub. */
export const getRaw: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const segments = (request.params.rest ?? '').split('/');
  for (let split = segments.length - 1; split >= 1; split -= 1) {
    const ref = segments.slice(0, split).join('/');
    const filePath = segments.slice(split).join('/');
    const commitSha = await services.store.resolveCommit(c.owner, c.repo, ref).catch(() => undefined);
    if (!commitSha) continue;
    const file = await services.store.readFile(c.owner, c.repo, commitSha, filePath).catch(() => undefined);
    if (!file) throw notFound();
    return { status: 200, body: file.content, headers: { 'content-type': 'text/plain; charset=utf-8' } };
  }
  throw notFound();
};

export function registerContentRoutes(router: Router<ApiHandler>) {
  router
    .add('GET', '/repos/:owner/:repo/contents', getContent)
    .add('GET', '/repos/:owner/:repo/contents/*path', getContent)
    .add('PUT', '/repos/:owner/:repo/contents/*path', putContent)
    .add('DELETE', '/repos/:owner/:repo/contents/*path', deleteContent)
    .add('GET', '/:owner/:repo/raw/*rest', getRaw);
}
