import { isFullSha, isValidRefName, TreeChange } from '../../git';
import {
  ApiHandler,
  ApiServices,
  bodyObject,
  json,
  optionalBoolean,
  optionalIdentity,
  optionalString,
  requiredString,
  requireRepo,
} from '../apiContext';
import { notFound, unprocessable, validationFailed } from '../httpErrors';
import { blobJson, gitCommitJson, gitTreeJson, refJson, RepoContext } from '../representations';
import type { Router } from '../router';

function pusher(services: ApiServices) {
  return { name: services.user.login, email: services.user.email };
}

/** `heads/main` (as in the URL) → `refs/heads/main`, or undefined when not a valid ref name. */
function qualifiedRef(ref: string): string | undefined {
  const full = ref.startsWith('refs/') ? ref : `refs/${ref}`;
  return isValidRefName(full) && full.split('/').length >= 3 ? full : undefined;
}

async function refsWithPrefix(services: ApiServices, c: RepoContext, prefix: string) {
  return (await services.store.listRefs(c.owner, c.repo)).filter(entry => entry.ref.startsWith(prefix));
}

export const listRefs: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const refs = await services.store.listRefs(c.owner, c.repo);
  return json(200, refs.map(entry => refJson(c, entry)));
};

/**
 * Legacy `GET git/refs/{ref}`: the ref itself when it matches exactly,
 * otherwise every ref under that prefix.
 */
export const getRefsByPrefix: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const prefix = `refs/${request.params.ref.replace(/^refs\//, '')}`;
  const matches = await refsWithPrefix(services, c, prefix);
  const exact = matches.find(entry => entry.ref === prefix);
  if (exact) return json(200, refJson(c, exact));
  if (matches.length === 0) throw notFound();
  return json(200, matches.map(entry => refJson(c, entry)));
};

export const listMatchingRefs: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const prefix = `refs/${(request.params.ref ?? '').replace(/^refs\//, '')}`;
  return json(200, (await refsWithPrefix(services, c, prefix)).map(entry => refJson(c, entry)));
};

export const getRef: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const ref = qualifiedRef(request.params.ref);
  const entry = ref ? (await services.store.listRefs(c.owner, c.repo)).find(candidate => candidate.ref === ref) : undefined;
  if (!entry) throw notFound();
  return json(200, refJson(c, entry));
};

export const createRef: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const body = bodyObject(request.body);
  const refName = requiredString(body, 'ref', 'Reference');
  const sha = requiredString(body, 'sha', 'Reference');
  if (!refName.startsWith('refs/') || !qualifiedRef(refName)) {
    throw unprocessable('Reference name must start with \'refs/\' and have at least two slashes.');
  }
  if (!isFullSha(sha)) throw unprocessable('Object does not exist');
  await services.store.updateRef(c.owner, c.repo, refName, sha, { expectedOld: null, pusher: pusher(services) });
  return json(201, refJson(c, { ref: refName, sha, type: (await services.store.getObjectType(c.owner, c.repo, sha)) ?? 'commit' }), {
    location: `${services.base}/repos/${c.owner}/${c.repo}/git/${refName}`,
  });
};

export const updateRef: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const body = bodyObject(request.body);
  const sha = requiredString(body, 'sha', 'Reference');
  const force = optionalBoolean(body, 'force', 'Reference') ?? false;
  const ref = qualifiedRef(request.params.ref);
  if (!ref) throw unprocessable('Reference does not exist');
  const current = await services.store.getRef(c.owner, c.repo, ref);
  if (!current) throw unprocessable('Reference does not exist');
  if (!isFullSha(sha)) throw unprocessable('Object does not exist');
  await services.store.updateRef(c.owner, c.repo, ref, sha, { force, expectedOld: current, pusher: pusher(services) });
  return json(200, refJson(c, { ref, sha, type: 'commit' }));
};

export const deleteRef: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const ref = qualifiedRef(request.params.ref);
  if (!ref || !(await services.store.getRef(c.owner, c.repo, ref))) throw unprocessable('Reference does not exist');
  await services.store.deleteRef(c.owner, c.repo, ref, { pusher: pusher(services) });
  return { status: 204 };
};

export const getGitCommit: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const commit = isFullSha(request.params.sha) ? await services.store.getCommit(c.owner, c.repo, request.params.sha) : undefined;
  if (!commit) throw notFound();
  return json(200, gitCommitJson(c, commit));
};

export const createGitCommit: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const body = bodyObject(request.body);
  const message = requiredString(body, 'message', 'Commit');
  const tree = requiredString(body, 'tree', 'Commit');
  const parents = body.parents ?? [];
  if (!Array.isArray(parents) || !parents.every(parent => typeof parent === 'string')) {
    throw validationFailed([{ resource: 'Commit', code: 'invalid', field: 'parents' }]);
  }
  const fallback = { name: services.user.name, email: services.user.email };
  const author = optionalIdentity(body, 'author', 'Commit') ?? fallback;
  const committer = optionalIdentity(body, 'committer', 'Commit') ?? author;
  if (!isFullSha(tree) || (await services.store.getObjectType(c.owner, c.repo, tree)) !== 'tree') {
    throw unprocessable('Tree SHA does not exist');
  }
  for (const parent of parents as string[]) {
    if (!isFullSha(parent) || (await services.store.getObjectType(c.owner, c.repo, parent)) !== 'commit') {
      throw unprocessable('Parent SHA does not exist or is not a commit object');
    }
  }
  const sha = await services.store.createCommit(c.owner, c.repo, { tree, parents: parents as string[], message, author, committer });
  const commit = await services.store.getCommit(c.owner, c.repo, sha);
  return json(201, gitCommitJson(c, commit!), { location: `${services.base}/repos/${c.owner}/${c.repo}/git/commits/${sha}` });
};

export const getGitTree: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const treeish = request.params.sha;
  const recursive = ['1', 'true'].includes(request.url.searchParams.get('recursive') ?? '');
  const sha = isFullSha(treeish) ? treeish : await services.store.resolveCommit(c.owner, c.repo, treeish);
  if (!sha) throw notFound();
  const type = await services.store.getObjectType(c.owner, c.repo, sha);
  const treeSha = type === 'commit' ? (await services.store.getCommit(c.owner, c.repo, sha))!.tree : sha;
  const entries = type === 'commit' || type === 'tree'
    ? await services.store.listTree(c.owner, c.repo, treeSha, { recursive })
    : undefined;
  if (!entries) throw notFound();
  return json(200, gitTreeJson(c, treeSha, entries));
};

const TYPE_BY_MODE: Record<string, string> = { '040000': 'tree', '160000': 'commit' };

function parseTreeEntries(value: unknown): TreeChange[] {
  if (!Array.isArray(value)) throw validationFailed([{ resource: 'Tree', code: 'missing_field', field: 'tree' }]);
  return value.map((item, index): TreeChange => {
    const field = (name: string) => `tree[${index}].${name}`;
    if (!item || typeof item !== 'object') throw validationFailed([{ resource: 'Tree', code: 'invalid', field: `tree[${index}]` }]);
    const entry = item as Record<string, unknown>;
    if (typeof entry.path !== 'string' || entry.path === '') {
      throw validationFailed([{ resource: 'Tree', code: 'missing_field', field: field('path') }]);
    }
    if (typeof entry.mode !== 'string') throw validationFailed([{ resource: 'Tree', code: 'missing_field', field: field('mode') }]);
    const expectedType = TYPE_BY_MODE[entry.mode] ?? 'blob';
    const type = entry.type ?? expectedType;
    if (type !== expectedType) throw validationFailed([{ resource: 'Tree', code: 'invalid', field: field('type') }]);
    if (entry.content !== undefined && entry.sha !== undefined) {
      throw unprocessable('Must supply either tree.sha or tree.content, not both');
    }
    if (entry.content !== undefined) {
      if (typeof entry.content !== 'string' || type !== 'blob') {
        throw validationFailed([{ resource: 'Tree', code: 'invalid', field: field('content') }]);
      }
      return { path: entry.path, mode: entry.mode, content: entry.content };
    }
    if (entry.sha === null) return { path: entry.path, mode: entry.mode, sha: null };
    if (typeof entry.sha !== 'string' || !isFullSha(entry.sha)) {
      throw validationFailed([{ resource: 'Tree', code: 'invalid', field: field('sha') }]);
    }
    return { path: entry.path, mode: entry.mode, sha: entry.sha };
  });
}

export const createGitTree: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const body = bodyObject(request.body);
  const changes = parseTreeEntries(body.tree);
  const baseTree = optionalString(body, 'base_tree', 'Tree');
  if (baseTree !== undefined && (!isFullSha(baseTree) || (await services.store.getObjectType(c.owner, c.repo, baseTree)) !== 'tree')) {
    throw unprocessable('Invalid tree info');
  }
  const sha = await services.store.createTree(c.owner, c.repo, changes, baseTree);
  const entries = (await services.store.listTree(c.owner, c.repo, sha)) ?? [];
  return json(201, gitTreeJson(c, sha, entries), { location: `${services.base}/repos/${c.owner}/${c.repo}/git/trees/${sha}` });
};

export const getBlob: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const content = isFullSha(request.params.sha) ? await services.store.readBlob(c.owner, c.repo, request.params.sha) : undefined;
  if (!content) throw notFound();
  return json(200, blobJson(c, request.params.sha, content));
};

export const createBlob: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const body = bodyObject(request.body);
  if (typeof body.content !== 'string') throw validationFailed([{ resource: 'Blob', code: 'missing_field', field: 'content' }]);
  const encoding = optionalString(body, 'encoding', 'Blob') ?? 'utf-8';
  if (encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'base64') {
    throw validationFailed([{ resource: 'Blob', code: 'invalid', field: 'encoding' }]);
  }
  const content = encoding === 'base64' ? Buffer.from(body.content, 'base64') : Buffer.from(body.content, 'utf8');
  const sha = await services.store.writeBlob(c.owner, c.repo, content);
  return json(201, { url: `${services.base}/repos/${c.owner}/${c.repo}/git/blobs/${sha}`, sha }, {
    location: `${services.base}/repos/${c.owner}/${c.repo}/git/blobs/${sha}`,
  });
};

export function registerGitDataRoutes(router: Router<ApiHandler>) {
  router
    .add('GET', '/repos/:owner/:repo/git/refs', listRefs)
    .add('GET', '/repos/:owner/:repo/git/refs/*ref', getRefsByPrefix)
    .add('GET', '/repos/:owner/:repo/git/matching-refs', listMatchingRefs)
    .add('GET', '/repos/:owner/:repo/git/matching-refs/*ref', listMatchingRefs)
    .add('GET', '/repos/:owner/:repo/git/ref/*ref', getRef)
    .add('POST', '/repos/:owner/:repo/git/refs', createRef)
    .add('PATCH', '/repos/:owner/:repo/git/refs/*ref', updateRef)
    .add('DELETE', '/repos/:owner/:repo/git/refs/*ref', deleteRef)
    .add('GET', '/repos/:owner/:repo/git/commits/:sha', getGitCommit)
    .add('POST', '/repos/:owner/:repo/git/commits', createGitCommit)
    .add('GET', '/repos/:owner/:repo/git/trees/*sha', getGitTree)
    .add('POST', '/repos/:owner/:repo/git/trees', createGitTree)
    .add('GET', '/repos/:owner/:repo/git/blobs/:sha', getBlob)
    .add('POST', '/repos/:owner/:repo/git/blobs', createBlob);
}
