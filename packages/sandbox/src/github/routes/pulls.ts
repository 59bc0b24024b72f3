import { MergeConflictError, MergeMethod, RefConflictError } from '../../git';
import {
  ApiHandler,
  ApiServices,
  bodyObject,
  describeRepo,
  json,
  optionalBoolean,
  optionalString,
  parsePositiveInt,
  requiredString,
  requireRepo,
  userForEmail,
} from '../apiContext';
import { conflict, notFound, problem, validationFailed } from '../httpErrors';
import { paginate } from '../pagination';
import { changedFileJson, pullJson, RepoContext, repoCommitJson, toGitHubTime } from '../representations';
import type { Router } from '../router';
import type { LabelRecord, PullRecord } from '../stateStore';

const fullName = (c: RepoContext) => `${c.owner}/${c.repo}`;

export function findPull(services: ApiServices, c: RepoContext, numberParam: string): PullRecord {
  const number = parsePositiveInt(numberParam);
  const pull = number ? services.state.repo(fullName(c)).pulls.find(candidate => candidate.number === number) : undefined;
  if (!pull) throw notFound();
  return pull;
}

export function labelsOf(services: ApiServices, c: RepoContext, names: string[]): LabelRecord[] {
  const labels = services.state.repo(fullName(c)).labels;
  return names
    .map(name => labels.find(label => label.name.toLowerCase() === name.toLowerCase()))
    .filter((label): label is LabelRecord => label !== undefined);
}

/** An open pull request follows its head branch; a closed one keeps the sha it had. */
async function refreshHead(services: ApiServices, c: RepoContext, pull: PullRecord): Promise<void> {
  if (pull.state !== 'open') return;
  const live = await services.store.getRef(c.owner, c.repo, `refs/heads/${pull.headRef}`).catch(() => undefined);
  if (live && live !== pull.headSha) {
    services.state.update(fullName(c), () => {
      pull.headSha = live;
    });
  }
}

/** What the pull request's diff is taken against: the base as it was at merge time, or as it is now. */
async function diffBase(services: ApiServices, c: RepoContext, pull: PullRecord): Promise<string> {
  if (pull.baseShaAtMerge) return pull.baseShaAtMerge;
  return (await services.store.getRef(c.owner, c.repo, `refs/heads/${pull.baseRef}`).catch(() => undefined)) ?? pull.headSha;
}

async function renderPull(services: ApiServices, c: RepoContext, pull: PullRecord, withDetails: boolean) {
  await refreshHead(services, c, pull);
  const baseSha =
    (await services.store.getRef(c.owner, c.repo, `refs/heads/${pull.baseRef}`).catch(() => undefined)) ?? pull.headSha;
  const comments = services.state.repo(fullName(c)).issueComments.filter(comment => comment.issueNumber === pull.number).length;
  let details;
  if (withDetails) {
    const comparison = await services.store.compare(c.owner, c.repo, await diffBase(services, c, pull), pull.headSha);
    const mergeable = pull.state === 'open' ? await services.store.canMerge(c.owner, c.repo, baseSha, pull.headSha) : null;
    details = {
      mergeable,
      commits: comparison.aheadBy,
      additions: comparison.files.reduce((sum, file) => sum + file.additions, 0),
      deletions: comparison.files.reduce((sum, file) => sum + file.deletions, 0),
      changedFiles: comparison.files.length,
    };
  }
  return pullJson(c, pull, {
    repository: await describeRepo(services, c),
    labels: labelsOf(services, c, pull.labels),
    baseSha,
    comments,
    details,
  });
}

/** `owner:branch` or `branch`; another owner's fork does not exist here. */
function branchOf(c: RepoContext, value: string): string | undefined {
  const colon = value.indexOf(':');
  if (colon === -1) return value;
  return value.slice(0, colon).toLowerCase() === c.owner.toLowerCase() ? value.slice(colon + 1) : undefined;
}

export const createPull: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const body = bodyObject(request.body);
  const title = requiredString(body, 'title', 'PullRequest');
  const headParam = requiredString(body, 'head', 'PullRequest');
  const baseRef = requiredString(body, 'base', 'PullRequest');
  const draft = optionalBoolean(body, 'draft', 'PullRequest') ?? false;
  const text = optionalString(body, 'body', 'PullRequest') ?? null;
  const maintainerCanModify = optionalBoolean(body, 'maintainer_can_modify', 'PullRequest') ?? true;

  const headRef = branchOf(c, headParam);
  const headSha = headRef
    ? await services.store.getRef(c.owner, c.repo, `refs/heads/${headRef}`).catch(() => undefined)
    : undefined;
  const baseSha = await services.store.getRef(c.owner, c.repo, `refs/heads/${baseRef}`).catch(() => undefined);
  const invalid = [
    ...(headSha ? [] : [{ resource: 'PullRequest', code: 'invalid' as const, field: 'head' }]),
    ...(baseSha ? [] : [{ resource: 'PullRequest', code: 'invalid' as const, field: 'base' }]),
  ];
  if (invalid.length > 0) throw validationFailed(invalid);
  const existing = services.state
    .repo(fullName(c))
    .pulls.find(pull => pull.state === 'open' && pull.headRef === headRef && pull.baseRef === baseRef);
  if (existing) {
    throw validationFailed([
      { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${c.owner}:${headRef}.` },
    ]);
  }
  const comparison = await services.store.compare(c.owner, c.repo, baseSha!, headSha!);
  if (comparison.aheadBy === 0) {
    throw validationFailed([
      { resource: 'PullRequest', code: 'custom', message: `No commits between ${baseRef} and ${headRef}` },
    ]);
  }
  const now = toGitHubTime(Date.now());
  const pull = services.state.update(fullName(c), record => {
    const created: PullRecord = {
      id: services.state.nextId(),
      number: record.nextNumber,
      title,
      body: text,
      state: 'open',
      draft,
      headRef: headRef!,
      headSha: headSha!,
      baseRef,
      user: services.user.login,
      maintainerCanModify,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      mergeCommitSha: null,
      mergedBy: null,
      labels: [],
    };
    record.nextNumber += 1;
    record.pulls.push(created);
    return created;
  });
  return json(201, await renderPull(services, c, pull, true), {
    location: `${services.base}/repos/${c.owner}/${c.repo}/pulls/${pull.number}`,
  });
};

export const listPulls: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const query = request.url.searchParams;
  const state = query.get('state') ?? 'open';
  const head = query.get('head');
  const headRef = head ? branchOf(c, head) : undefined;
  const base = query.get('base');
  const direction = query.get('direction') ?? 'desc';
  const sortKey = query.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
  const matching = services.state
    .repo(fullName(c))
    .pulls.filter(pull => state === 'all' || pull.state === state)
    .filter(pull => !head || pull.headRef === headRef)
    .filter(pull => !base || pull.baseRef === base)
    .sort((a, b) => {
      const order = a[sortKey].localeCompare(b[sortKey]) || a.number - b.number;
      return direction === 'asc' ? order : -order;
    });
  const page = paginate(matching, request.url);
  const rendered = [];
  for (const pull of page.items) rendered.push(await renderPull(services, c, pull, false));
  return json(200, rendered, page.link ? { link: page.link } : undefined);
};

export const getPull: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  return json(200, await renderPull(services, c, findPull(services, c, request.params.number), true));
};

export const updatePull: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  const body = bodyObject(request.body);
  const title = optionalString(body, 'title', 'PullRequest');
  const text = body.body === null ? null : optionalString(body, 'body', 'PullRequest');
  const state = optionalString(body, 'state', 'PullRequest');
  const base = optionalString(body, 'base', 'PullRequest');
  if (state !== undefined && state !== 'open' && state !== 'closed') {
    throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'state' }]);
  }
  if (state === 'open' && pull.mergedAt) {
    throw validationFailed([{ resource: 'PullRequest', code: 'custom', field: 'state', message: 'state cannot be changed. The pull request has been merged.' }]);
  }
  if (base !== undefined && !(await services.store.getRef(c.owner, c.repo, `refs/heads/${base}`).catch(() => undefined))) {
    throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
  }
  const now = toGitHubTime(Date.now());
  services.state.update(fullName(c), () => {
    if (title !== undefined) pull.title = title;
    if (text !== undefined) pull.body = text;
    if (base !== undefined) pull.baseRef = base;
    if (state !== undefined && state !== pull.state) {
      pull.state = state;
      pull.closedAt = state === 'closed' ? now : null;
    }
    pull.updatedAt = now;
  });
  return json(200, await renderPull(services, c, pull, true));
};

const MERGE_METHODS: Record<string, MergeMethod> = { merge: 'merge', squash: 'squash', rebase: 'fast-forward' };

export const mergePull: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  const body = bodyObject(request.body);
  const methodName = optionalString(body, 'merge_method', 'PullRequest') ?? 'merge';
  const method = MERGE_METHODS[methodName];
  if (!method) throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'merge_method' }]);
  const expectedSha = optionalString(body, 'sha', 'PullRequest');
  if (pull.state !== 'open') throw problem(405, 'Pull Request is not mergeable');
  if (pull.draft) throw problem(405, 'Pull Request is still a draft');
  await refreshHead(services, c, pull);
  if (expectedSha && expectedSha !== pull.headSha) {
    throw conflict('Head branch was modified. Review and try the merge again.');
  }
  const title = optionalString(body, 'commit_title', 'PullRequest');
  const details = optionalString(body, 'commit_message', 'PullRequest');
  const message =
    method === 'squash'
      ? `${title ?? `${pull.title} (#${pull.number})`}\n\n${details ?? ''}`.trimEnd()
      : `${title ?? `Merge pull request #${pull.number} from ${c.owner}/${pull.headRef}`}\n\n${details ?? pull.title}`;
  let result;
  try {
    result = await services.store.merge(c.owner, c.repo, {
      base: pull.baseRef,
      head: pull.headSha,
      method,
      message,
      author: { name: services.user.name, email: services.user.email },
      expectedHeadSha: pull.headSha,
      pusher: { name: services.user.login, email: services.user.email },
    });
  } catch (error) {
    if (error instanceof MergeConflictError) throw problem(405, 'Pull Request is not mergeable');
    if (error instanceof RefConflictError) throw conflict('Base branch was modified. Review and try the merge again.');
    throw error;
  }
  const now = toGitHubTime(Date.now());
  services.state.update(fullName(c), () => {
    pull.state = 'closed';
    pull.mergedAt = now;
    pull.closedAt = now;
    pull.updatedAt = now;
    pull.mergeCommitSha = result.sha;
    pull.baseShaAtMerge = result.before;
    pull.mergedBy = services.user.login;
  });
  return json(200, { sha: result.sha, merged: true, message: 'Pull Request successfully merged' });
};

export const checkPullMerged: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  if (!pull.mergedAt) throw notFound();
  return { status: 204 };
};

export const listPullFiles: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  await refreshHead(services, c, pull);
  const comparison = await services.store.compare(c.owner, c.repo, await diffBase(services, c, pull), pull.headSha);
  const page = paginate(comparison.files, request.url);
  return json(200, page.items.map(file => changedFileJson(c, pull.headSha, file)), page.link ? { link: page.link } : undefined);
};

export const listPullCommits: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  await refreshHead(services, c, pull);
  const comparison = await services.store.compare(c.owner, c.repo, await diffBase(services, c, pull), pull.headSha);
  const page = paginate(comparison.commits, request.url);
  return json(
    200,
    page.items.map(commit => repoCommitJson(c, commit, { userFor: userForEmail(services) })),
    page.link ? { link: page.link } : undefined,
  );
};

/**
 * `GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls`: the merged pull
 * requests that introduced the commit (its merge commit) and the open ones
 * whose head it is
 * (https://docs.github.com/en/rest/commits/commits#list-pull-requests-associated-with-a-commit).
 */
export const listPullsForCommit: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const sha = await services.store.resolveCommit(c.owner, c.repo, request.params.sha);
  if (!sha) throw validationFailed([], `No commit found for SHA: ${request.params.sha}`);
  const pulls = services.state.repo(fullName(c)).pulls;
  for (const pull of pulls) await refreshHead(services, c, pull);
  const matching = pulls.filter(pull => pull.mergeCommitSha === sha || pull.headSha === sha).sort((a, b) => b.number - a.number);
  const page = paginate(matching, request.url);
  const rendered = [];
  for (const pull of page.items) rendered.push(await renderPull(services, c, pull, false));
  return json(200, rendered, page.link ? { link: page.link } : undefined);
};

export function registerPullRoutes(router: Router<ApiHandler>) {
  router
    .add('POST', '/repos/:owner/:repo/pulls', createPull)
    .add('GET', '/repos/:owner/:repo/pulls', listPulls)
    .add('GET', '/repos/:owner/:repo/pulls/:number', getPull)
    .add('PATCH', '/repos/:owner/:repo/pulls/:number', updatePull)
    .add('PUT', '/repos/:owner/:repo/pulls/:number/merge', mergePull)
    .add('GET', '/repos/:owner/:repo/pulls/:number/merge', checkPullMerged)
    .add('GET', '/repos/:owner/:repo/pulls/:number/files', listPullFiles)
    .add('GET', '/repos/:owner/:repo/pulls/:number/commits', listPullCommits)
    .add('GET', '/repos/:owner/:repo/commits/:sha/pulls', listPullsForCommit);
}
