import { isShaLike } from '../../git';
import {
  ApiHandler,
  ApiServices,
  bodyObject,
  json,
  optionalString,
  parsePositiveInt,
  requiredString,
  requireRepo,
} from '../apiContext';
import { notFound, problem, validationFailed } from '../httpErrors';
import { paginate } from '../pagination';
import {
  commitCommentJson,
  issueCommentJson,
  labelJson,
  RepoContext,
  toGitHubTime,
  userJson,
} from '../representations';
import type { Router } from '../router';
import type { LabelRecord } from '../stateStore';
import { findPull, labelsOf } from './pulls';

// Every issue here is a pull request: this sandbox has no plain issues.

const fullName = (c: RepoContext) => `${c.owner}/${c.repo}`;
const pageHeaders = (link?: string) => (link ? { link } : undefined);

function issueJson(services: ApiServices, c: RepoContext, numberParam: string) {
  const pull = findPull(services, c, numberParam);
  const api = `${services.base}/repos/${c.owner}/${c.repo}`;
  const html = `${services.base}/${c.owner}/${c.repo}`;
  const comments = services.state.repo(fullName(c)).issueComments.filter(comment => comment.issueNumber === pull.number);
  return {
    url: `${api}/issues/${pull.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${pull.number}/labels{/name}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    events_url: `${api}/issues/${pull.number}/events`,
    html_url: `${html}/pull/${pull.number}`,
    id: pull.id,
    node_id: Buffer.from(`0:Issue${pull.id}`).toString('base64'),
    number: pull.number,
    title: pull.title,
    user: userJson(services.base, pull.user),
    labels: labelsOf(services, c, pull.labels).map(label => labelJson(c, label)),
    state: pull.state,
    state_reason: pull.state === 'closed' ? 'completed' : null,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: comments.length,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    author_association: 'OWNER',
    active_lock_reason: null,
    draft: pull.draft,
    body: pull.body,
    pull_request: {
      url: `${api}/pulls/${pull.number}`,
      html_url: `${html}/pull/${pull.number}`,
      diff_url: `${html}/pull/${pull.number}.diff`,
      patch_url: `${html}/pull/${pull.number}.patch`,
      merged_at: pull.mergedAt,
    },
  };
}

export const getIssue: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  return json(200, issueJson(services, c, request.params.number));
};

export const updateIssue: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  const body = bodyObject(request.body);
  const title = optionalString(body, 'title', 'Issue');
  const text = body.body === null ? null : optionalString(body, 'body', 'Issue');
  const state = optionalString(body, 'state', 'Issue');
  if (state !== undefined && state !== 'open' && state !== 'closed') {
    throw validationFailed([{ resource: 'Issue', code: 'invalid', field: 'state' }]);
  }
  const labelNames = body.labels === undefined ? undefined : parseLabelNames(body.labels);
  if (labelNames) ensureLabels(services, c, labelNames);
  const now = toGitHubTime(Date.now());
  services.state.update(fullName(c), () => {
    if (title !== undefined) pull.title = title;
    if (text !== undefined) pull.body = text;
    if (state !== undefined && state !== pull.state && !(state === 'open' && pull.mergedAt)) {
      pull.state = state;
      pull.closedAt = state === 'closed' ? now : null;
    }
    if (labelNames) pull.labels = dedupe(labelNames);
    pull.updatedAt = now;
  });
  return json(200, issueJson(services, c, request.params.number));
};

// ---- issue comments ----------------------------------------------------------

export const createIssueComment: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  const text = requiredString(bodyObject(request.body), 'body', 'IssueComment');
  const now = toGitHubTime(Date.now());
  const comment = services.state.update(fullName(c), record => {
    const created = { id: services.state.nextId(), issueNumber: pull.number, body: text, user: services.user.login, createdAt: now, updatedAt: now };
    record.issueComments.push(created);
    return created;
  });
  return json(201, issueCommentJson(c, comment), { location: `${services.base}/repos/${c.owner}/${c.repo}/issues/comments/${comment.id}` });
};

export const listIssueComments: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  const comments = services.state.repo(fullName(c)).issueComments.filter(comment => comment.issueNumber === pull.number);
  const page = paginate(comments, request.url);
  return json(200, page.items.map(comment => issueCommentJson(c, comment)), pageHeaders(page.link));
};

export const listRepoIssueComments: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const page = paginate(services.state.repo(fullName(c)).issueComments, request.url);
  return json(200, page.items.map(comment => issueCommentJson(c, comment)), pageHeaders(page.link));
};

function findIssueComment(services: ApiServices, c: RepoContext, idParam: string) {
  const id = parsePositiveInt(idParam);
  const comment = id ? services.state.repo(fullName(c)).issueComments.find(candidate => candidate.id === id) : undefined;
  if (!comment) throw notFound();
  return comment;
}

export const getIssueComment: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  return json(200, issueCommentJson(c, findIssueComment(services, c, request.params.id)));
};

export const updateIssueComment: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const comment = findIssueComment(services, c, request.params.id);
  const text = requiredString(bodyObject(request.body), 'body', 'IssueComment');
  services.state.update(fullName(c), () => {
    comment.body = text;
    comment.updatedAt = toGitHubTime(Date.now());
  });
  return json(200, issueCommentJson(c, comment));
};

export const deleteIssueComment: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const comment = findIssueComment(services, c, request.params.id);
  services.state.update(fullName(c), record => {
    record.issueComments = record.issueComments.filter(candidate => candidate.id !== comment.id);
  });
  return { status: 204 };
};

// ---- commit comments ---------------------------------------------------------

export const createCommitComment: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const body = bodyObject(request.body);
  const text = requiredString(body, 'body', 'CommitComment');
  const sha = isShaLike(request.params.sha) ? await services.store.resolveCommit(c.owner, c.repo, request.params.sha) : undefined;
  if (!sha) throw notFound();
  const numberOrNull = (field: string) => {
    const value = body[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw validationFailed([{ resource: 'CommitComment', code: 'invalid', field }]);
    }
    return value;
  };
  const position = numberOrNull('position');
  const line = numberOrNull('line');
  const filePath = optionalString(body, 'path', 'CommitComment') ?? null;
  const now = toGitHubTime(Date.now());
  const comment = services.state.update(fullName(c), record => {
    const created = {
      id: services.state.nextId(),
      commitId: sha,
      body: text,
      path: filePath,
      position,
      line,
      user: services.user.login,
      createdAt: now,
      updatedAt: now,
    };
    record.commitComments.push(created);
    return created;
  });
  return json(201, commitCommentJson(c, comment), { location: `${services.base}/repos/${c.owner}/${c.repo}/comments/${comment.id}` });
};

export const listCommitComments: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const sha = isShaLike(request.params.sha) ? await services.store.resolveCommit(c.owner, c.repo, request.params.sha) : undefined;
  if (!sha) throw notFound();
  const comments = services.state.repo(fullName(c)).commitComments.filter(comment => comment.commitId === sha);
  const page = paginate(comments, request.url);
  return json(200, page.items.map(comment => commitCommentJson(c, comment)), pageHeaders(page.link));
};

export const listRepoCommitComments: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const page = paginate(services.state.repo(fullName(c)).commitComments, request.url);
  return json(200, page.items.map(comment => commitCommentJson(c, comment)), pageHeaders(page.link));
};

// ---- labels --------------------------------------------------------------------

const COLOR = /^[0-9a-fA-F]{6}$/;
const DEFAULT_LABEL_COLOR = 'ededed';

function dedupe(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter(name => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Accepts `["a"]`, `{labels: ["a"]}`, `[{name: "a"}]` and `{labels: [{name: "a"}]}`, like GitHub. */
export function parseLabelNames(input: unknown): string[] {
  const list = Array.isArray(input) ? input : (input as { labels?: unknown } | undefined)?.labels;
  if (!Array.isArray(list)) throw validationFailed([{ resource: 'Label', code: 'missing_field', field: 'labels' }]);
  return list.map((item, index) => {
    const name = typeof item === 'string' ? item : (item as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name.trim() === '') {
      throw validationFailed([{ resource: 'Label', code: 'invalid', field: `labels[${index}]` }]);
    }
    return name.trim();
  });
}

function ensureLabels(services: ApiServices, c: RepoContext, names: string[]) {
  services.state.update(fullName(c), record => {
    for (const name of names) {
      if (!record.labels.some(label => label.name.toLowerCase() === name.toLowerCase())) {
        record.labels.push({ id: services.state.nextId(), name, color: DEFAULT_LABEL_COLOR, description: null });
      }
    }
  });
}

function findLabel(services: ApiServices, c: RepoContext, name: string): LabelRecord {
  const label = services.state.repo(fullName(c)).labels.find(candidate => candidate.name.toLowerCase() === name.toLowerCase());
  if (!label) throw notFound();
  return label;
}

export const listLabels: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const page = paginate(services.state.repo(fullName(c)).labels, request.url);
  return json(200, page.items.map(label => labelJson(c, label)), pageHeaders(page.link));
};

export const getLabel: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  return json(200, labelJson(c, findLabel(services, c, request.params.name)));
};

export const createLabel: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const body = bodyObject(request.body);
  const name = requiredString(body, 'name', 'Label').trim();
  const color = (optionalString(body, 'color', 'Label') ?? DEFAULT_LABEL_COLOR).replace(/^#/, '');
  const description = optionalString(body, 'description', 'Label') ?? null;
  if (!COLOR.test(color)) throw validationFailed([{ resource: 'Label', code: 'invalid', field: 'color' }]);
  const labels = services.state.repo(fullName(c)).labels;
  if (labels.some(label => label.name.toLowerCase() === name.toLowerCase())) {
    throw validationFailed([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
  }
  const label = services.state.update(fullName(c), record => {
    const created = { id: services.state.nextId(), name, color, description };
    record.labels.push(created);
    return created;
  });
  return json(201, labelJson(c, label), { location: `${services.base}/repos/${c.owner}/${c.repo}/labels/${encodeURIComponent(name)}` });
};

export const deleteLabel: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const label = findLabel(services, c, request.params.name);
  services.state.update(fullName(c), record => {
    record.labels = record.labels.filter(candidate => candidate.id !== label.id);
    for (const pull of record.pulls) pull.labels = pull.labels.filter(name => name.toLowerCase() !== label.name.toLowerCase());
  });
  return { status: 204 };
};

function issueLabelsResponse(services: ApiServices, c: RepoContext, numberParam: string) {
  const pull = findPull(services, c, numberParam);
  return json(200, labelsOf(services, c, pull.labels).map(label => labelJson(c, label)));
}

export const listIssueLabels: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  return issueLabelsResponse(services, c, request.params.number);
};

export const addIssueLabels: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  const names = parseLabelNames(request.body);
  ensureLabels(services, c, names);
  services.state.update(fullName(c), () => {
    pull.labels = dedupe([...pull.labels, ...names]);
    pull.updatedAt = toGitHubTime(Date.now());
  });
  return issueLabelsResponse(services, c, request.params.number);
};

export const setIssueLabels: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  const names = parseLabelNames(request.body);
  ensureLabels(services, c, names);
  services.state.update(fullName(c), () => {
    pull.labels = dedupe(names);
    pull.updatedAt = toGitHubTime(Date.now());
  });
  return issueLabelsResponse(services, c, request.params.number);
};

export const removeIssueLabel: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const pull = findPull(services, c, request.params.number);
  const name = request.params.name.toLowerCase();
  if (!pull.labels.some(label => label.toLowerCase() === name)) throw problem(404, 'Label does not exist');
  services.state.update(fullName(c), () => {
    pull.labels = pull.labels.filter(label => label.toLowerCase() !== name);
  });
  return issueLabelsResponse(services, c, request.params.number);
};

export function registerIssueRoutes(router: Router<ApiHandler>) {
  router
    .add('GET', '/repos/:owner/:repo/issues/comments', listRepoIssueComments)
    .add('GET', '/repos/:owner/:repo/issues/comments/:id', getIssueComment)
    .add('PATCH', '/repos/:owner/:repo/issues/comments/:id', updateIssueComment)
    .add('DELETE', '/repos/:owner/:repo/issues/comments/:id', deleteIssueComment)
    .add('GET', '/repos/:owner/:repo/issues/:number', getIssue)
    .add('PATCH', '/repos/:owner/:repo/issues/:number', updateIssue)
    .add('POST', '/repos/:owner/:repo/issues/:number/comments', createIssueComment)
    .add('GET', '/repos/:owner/:repo/issues/:number/comments', listIssueComments)
    .add('GET', '/repos/:owner/:repo/issues/:number/labels', listIssueLabels)
    .add('POST', '/repos/:owner/:repo/issues/:number/labels', addIssueLabels)
    .add('PUT', '/repos/:owner/:repo/issues/:number/labels', setIssueLabels)
    .add('DELETE', '/repos/:owner/:repo/issues/:number/labels/:name', removeIssueLabel)
    .add('GET', '/repos/:owner/:repo/labels', listLabels)
    .add('POST', '/repos/:owner/:repo/labels', createLabel)
    .add('GET', '/repos/:owner/:repo/labels/:name', getLabel)
    .add('DELETE', '/repos/:owner/:repo/labels/:name', deleteLabel)
    .add('POST', '/repos/:owner/:repo/commits/:sha/comments', createCommitComment)
    .add('GET', '/repos/:owner/:repo/commits/:sha/comments', listCommitComments)
    .add('GET', '/repos/:owner/:repo/comments', listRepoCommitComments);
}
