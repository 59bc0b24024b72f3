import { isValidOwner, isValidRepoName } from '../../git';
import {
  ApiHandler,
  bodyObject,
  describeRepo,
  json,
  optionalBoolean,
  requiredString,
  requireRepo,
  userForEmail,
} from '../apiContext';
import { notFound, validationFailed } from '../httpErrors';
import { paginate } from '../pagination';
import { branchJson, repoCommitJson, userJson } from '../representations';
import type { Router } from '../router';

export const getAuthenticatedUser: ApiHandler = async (_request, services) =>
  json(200, { ...userJson(services.base, services.user.login), name: services.user.name, email: services.user.email });

export const getRepository: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  return json(200, await describeRepo(services, c));
};

/** `POST /user/repos` and `POST /orgs/{org}/repos`; `auto_init` seeds a README like GitHub. */
export const createRepository: ApiHandler = async (request, services) => {
  const body = bodyObject(request.body);
  const owner = request.params.org ?? services.user.login;
  const name = requiredString(body, 'name', 'Repository');
  if (!isValidOwner(owner)) throw notFound();
  if (!isValidRepoName(name)) throw validationFailed([{ resource: 'Repository', code: 'invalid', field: 'name' }]);
  if (services.store.hasRepo(owner, name)) {
    throw validationFailed(
      [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }],
      'Repository creation failed.',
    );
  }
  const autoInit = optionalBoolean(body, 'auto_init', 'Repository') ?? false;
  await services.store.createRepo(owner, name, {
    files: autoInit ? { 'README.md': `# ${name}\n` } : undefined,
    author: { name: services.user.name, email: services.user.email },
  });
  const c = { base: services.base, owner, repo: name };
  return json(201, await describeRepo(services, c));
};

export const listBranches: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const refs = await services.store.listRefs(c.owner, c.repo, 'refs/heads/');
  const page = paginate(refs, request.url);
  const branches = page.items.map(entry => {
    const name = entry.ref.slice('refs/heads/'.length);
    return {
      name,
      commit: { sha: entry.sha, url: `${services.base}/repos/${c.owner}/${c.repo}/commits/${entry.sha}` },
      protected: false,
    };
  });
  return json(200, branches, page.link ? { link: page.link } : undefined);
};

export const getBranch: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const branch = request.params.branch;
  const sha = await services.store.getRef(c.owner, c.repo, `refs/heads/${branch}`).catch(() => undefined);
  const commit = sha ? await services.store.getCommit(c.owner, c.repo, sha) : undefined;
  if (!commit) throw notFound();
  return json(200, branchJson(c, branch, commit));
};

/** `GET /repos/{o}/{r}/commits?sha=&path=` — newest first. */
export const listCommits: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const from = request.url.searchParams.get('sha') ?? (await services.store.getDefaultBranch(c.owner, c.repo));
  const sha = await services.store.resolveCommit(c.owner, c.repo, from);
  if (!sha) throw notFound();
  const commits = (await services.store.logCommits(c.owner, c.repo, [sha], 10_000)).reverse();
  const page = paginate(commits, request.url);
  return json(
    200,
    page.items.map(commit => repoCommitJson(c, commit, { userFor: userForEmail(services) })),
    page.link ? { link: page.link } : undefined,
  );
};

export const getCommit: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const sha = await services.store.resolveCommit(c.owner, c.repo, request.params.ref);
  const commit = sha ? await services.store.getCommit(c.owner, c.repo, sha) : undefined;
  if (!commit) {
    throw validationFailed([], `No commit found for SHA: ${request.params.ref}`);
  }
  const files = await services.store.commitChanges(c.owner, c.repo, commit.sha);
  const commentCount = services.state.repo(`${c.owner}/${c.repo}`).commitComments.filter(
    comment => comment.commitId === commit.sha,
  ).length;
  return json(200, repoCommitJson(c, commit, { files, commentCount, userFor: userForEmail(services) }));
};

export function registerRepositoryRoutes(router: Router<ApiHandler>) {
  router
    .add('GET', '/user', getAuthenticatedUser)
    .add('POST', '/user/repos', createRepository)
    .add('POST', '/orgs/:org/repos', createRepository)
    .add('GET', '/repos/:owner/:repo', getRepository)
    .add('GET', '/repos/:owner/:repo/branches', listBranches)
    .add('GET', '/repos/:owner/:repo/branches/*branch', getBranch)
    .add('GET', '/repos/:owner/:repo/commits', listCommits);
}

/** Registered after the commit-comment routes, whose paths it would otherwise swallow. */
export function registerCommitRoutes(router: Router<ApiHandler>) {
  router.add('GET', '/repos/:owner/:repo/commits/*ref', getCommit);
}
