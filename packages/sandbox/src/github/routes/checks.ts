import { isShaLike } from '../../git';
import { ApiHandler, ApiRequest, ApiServices, bodyObject, json, optionalString, parsePositiveInt, requiredString, requireRepo } from '../apiContext';
import { GitHubHttpError, notFound, validationFailed } from '../httpErrors';
import { paginate } from '../pagination';
import { RepoContext, toGitHubTime, userJson } from '../representations';
import type { Router } from '../router';
import type { CheckRunRecord, CommitStatusRecord } from '../stateStore';

// Check runs (https://docs.github.com/en/rest/checks/runs) and commit
// statuses (https://docs.github.com/en/rest/commits/statuses).

const fullName = (c: RepoContext) => `${c.owner}/${c.repo}`;
const STATUSES = ['queued', 'in_progress', 'completed'] as const;
/** The conclusions a GitHub App may set (`stale` is GitHub's own, `startup_failure` Actions'). */
const CONCLUSIONS = ['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'timed_out'];
/** `output.summary` and `output.text`: "Maximum length: 65535 characters." */
const MAX_OUTPUT = 65535;
const STATUS_STATES = ['error', 'failure', 'pending', 'success'] as const;
/** "You can create a maximum of 1000 statuses per sha and context within a repository." */
const MAX_STATUSES_PER_CONTEXT = 1000;

/**
 * "OAuth apps and authenticated users are not able to create a check run":
 * only a GitHub App (through an installation token) may write checks.
 */
function requireInstallation(request: ApiRequest): number {
  if (request.principal?.kind !== 'installation') {
    throw new GitHubHttpError(403, {
      message: 'You must authenticate via a GitHub App.',
      documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
      status: '403',
    });
  }
  return request.principal.appId;
}

function checkRunJson(services: ApiServices, c: RepoContext, run: CheckRunRecord) {
  const api = `${services.base}/repos/${c.owner}/${c.repo}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: Buffer.from(`0:CheckRun${run.id}`).toString('base64'),
    external_id: run.externalId ?? '',
    url: `${api}/check-runs/${run.id}`,
    html_url: `${services.base}/${c.owner}/${c.repo}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: 0,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.appId * 1_000_000 + (run.id % 1_000_000) },
    app: { id: run.appId, slug: services.apps.app.slug, name: services.apps.app.slug, owner: userJson(services.base, services.user.login) },
    pull_requests: [],
  };
}

interface CheckRunInput {
  status?: CheckRunRecord['status'];
  conclusion?: string;
  output?: CheckRunRecord['output'];
  detailsUrl?: string;
  externalId?: string;
  completedAt?: string;
  startedAt?: string;
  name?: string;
}

function readCheckRunInput(body: Record<string, unknown>): CheckRunInput {
  const status = optionalString(body, 'status', 'CheckRun');
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
    throw validationFailed([{ resource: 'CheckRun', code: 'invalid', field: 'status' }]);
  }
  const conclusion = optionalString(body, 'conclusion', 'CheckRun');
  if (conclusion !== undefined && !CONCLUSIONS.includes(conclusion)) {
    throw validationFailed([{ resource: 'CheckRun', code: 'invalid', field: 'conclusion' }]);
  }
  let output: CheckRunRecord['output'] | undefined;
  if (body.output !== undefined && body.output !== null) {
    const raw = bodyObject(body.output);
    // "title: Required", "summary: Required" when output is given.
    const title = requiredString(raw, 'title', 'CheckRun');
    const summary = requiredString(raw, 'summary', 'CheckRun');
    const text = optionalString(raw, 'text', 'CheckRun');
    if (summary.length > MAX_OUTPUT || (text?.length ?? 0) > MAX_OUTPUT) {
      throw validationFailed([{ resource: 'CheckRun', code: 'custom', field: 'output', message: 'Only 65535 characters are allowed' }]);
    }
    output = { title, summary, text: text ?? null };
  }
  const externalId = optionalString(body, 'external_id', 'CheckRun');
  const detailsUrl = optionalString(body, 'details_url', 'CheckRun');
  const completedAt = optionalString(body, 'completed_at', 'CheckRun');
  const startedAt = optionalString(body, 'started_at', 'CheckRun');
  const name = optionalString(body, 'name', 'CheckRun');
  // "Providing conclusion will automatically set the status parameter to completed."
  const effectiveStatus = conclusion !== undefined ? 'completed' : (status as CheckRunRecord['status'] | undefined);
  // "Required if you provide completed_at or a status of completed."
  if ((effectiveStatus === 'completed' || completedAt) && conclusion === undefined) {
    throw validationFailed([{ resource: 'CheckRun', code: 'missing_field', field: 'conclusion' }]);
  }
  return { status: effectiveStatus, conclusion, output, externalId, detailsUrl, completedAt, startedAt, name };
}

function record(run: CheckRunRecord) {
  run.history.push({ at: new Date().toISOString(), status: run.status, conclusion: run.conclusion, title: run.output.title });
}

/** `POST /repos/{owner}/{repo}/check-runs` */
export const createCheckRun: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const appId = requireInstallation(request);
  const body = bodyObject(request.body);
  const name = requiredString(body, 'name', 'CheckRun');
  const headSha = requiredString(body, 'head_sha', 'CheckRun');
  const input = readCheckRunInput(body);
  const sha = isShaLike(headSha) ? await services.store.resolveCommit(c.owner, c.repo, headSha) : undefined;
  if (!sha) throw validationFailed([{ resource: 'CheckRun', code: 'invalid', field: 'head_sha' }], `No commit found for SHA: ${headSha}`);
  const now = toGitHubTime(Date.now());
  const run = services.state.update(fullName(c), repo => {
    const created: CheckRunRecord = {
      id: services.state.nextId(),
      headSha: sha,
      name,
      status: input.status ?? 'queued',
      conclusion: input.conclusion ?? null,
      externalId: input.externalId ?? null,
      detailsUrl: input.detailsUrl ?? null,
      startedAt: input.startedAt ?? now,
      completedAt: input.conclusion !== undefined ? input.completedAt ?? now : null,
      output: input.output ?? { title: null, summary: null, text: null },
      appId,
      history: [],
    };
    record(created);
    (repo.checkRuns ??= []).push(created);
    return created;
  });
  return json(201, checkRunJson(services, c, run));
};

function findCheckRun(services: ApiServices, c: RepoContext, idParam: string): CheckRunRecord {
  const id = parsePositiveInt(idParam);
  const run = services.state.repo(fullName(c)).checkRuns?.find(r => r.id === id);
  if (!run) throw notFound();
  return run;
}

/** `PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}` */
export const updateCheckRun: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const appId = requireInstallation(request);
  const run = findCheckRun(services, c, request.params.id);
  // Only the app that created a check run may update it.
  if (run.appId !== appId) throw notFound();
  const input = readCheckRunInput(bodyObject(request.body));
  services.state.update(fullName(c), () => {
    if (input.name !== undefined) run.name = input.name;
    if (input.status !== undefined) run.status = input.status;
    if (input.conclusion !== undefined) {
      run.conclusion = input.conclusion;
      run.completedAt = input.completedAt ?? toGitHubTime(Date.now());
    } else if (input.status && input.status !== 'completed') {
      run.conclusion = null;
      run.completedAt = null;
    }
    if (input.output) run.output = input.output;
    if (input.detailsUrl !== undefined) run.detailsUrl = input.detailsUrl;
    if (input.externalId !== undefined) run.externalId = input.externalId;
    record(run);
  });
  return json(200, checkRunJson(services, c, run));
};

/** `GET /repos/{owner}/{repo}/check-runs/{check_run_id}` */
export const getCheckRun: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  return json(200, checkRunJson(services, c, findCheckRun(services, c, request.params.id)));
};

/**
 * `GET /repos/{owner}/{repo}/commits/{ref}/check-runs?check_name=&status=&filter=&app_id=`;
 * `filter=latest` (the default) keeps the most recent check run of each name.
 */
export const listCheckRunsForRef: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const sha = await services.store.resolveCommit(c.owner, c.repo, request.params.ref);
  if (!sha) throw validationFailed([], `No commit found for SHA: ${request.params.ref}`);
  const query = request.url.searchParams;
  const name = query.get('check_name');
  const status = query.get('status');
  const appId = query.get('app_id');
  let runs = (services.state.repo(fullName(c)).checkRuns ?? [])
    .filter(r => r.headSha === sha)
    .filter(r => !name || r.name === name)
    .filter(r => !status || r.status === status)
    .filter(r => !appId || String(r.appId) === appId)
    .sort((a, b) => b.id - a.id);
  if ((query.get('filter') ?? 'latest') === 'latest') {
    const seen = new Set<string>();
    runs = runs.filter(r => !seen.has(r.name) && Boolean(seen.add(r.name)));
  }
  const page = paginate(runs, request.url);
  return json(
    200,
    { total_count: runs.length, check_runs: page.items.map(r => checkRunJson(services, c, r)) },
    page.link ? { link: page.link } : undefined,
  );
};

function statusJson(services: ApiServices, c: RepoContext, status: CommitStatusRecord) {
  return {
    url: `${services.base}/repos/${c.owner}/${c.repo}/statuses/${status.sha}`,
    id: status.id,
    node_id: Buffer.from(`0:StatusContext${status.id}`).toString('base64'),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator: userJson(services.base, status.creator),
  };
}

/** `POST /repos/{owner}/{repo}/statuses/{sha}` — https://docs.github.com/en/rest/commits/statuses#create-a-commit-status */
export const createStatus: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const body = bodyObject(request.body);
  const state = requiredString(body, 'state', 'Status');
  if (!(STATUS_STATES as readonly string[]).includes(state)) throw validationFailed([{ resource: 'Status', code: 'invalid', field: 'state' }]);
  const sha = isShaLike(request.params.sha) ? await services.store.resolveCommit(c.owner, c.repo, request.params.sha) : undefined;
  if (!sha || sha !== request.params.sha.toLowerCase()) throw validationFailed([], `No commit found for SHA: ${request.params.sha}`);
  const context = optionalString(body, 'context', 'Status') ?? 'default';
  const existing = (services.state.repo(fullName(c)).statuses ?? []).filter(s => s.sha === sha && s.context === context);
  if (existing.length >= MAX_STATUSES_PER_CONTEXT) {
    throw validationFailed([{ resource: 'Status', code: 'custom', message: 'This SHA and context has reached the maximum number of statuses.' }]);
  }
  const principal = request.principal;
  const creator = principal?.kind === 'installation' ? `${services.apps.app.slug}[bot]` : services.user.login;
  const status = services.state.update(fullName(c), repo => {
    const created: CommitStatusRecord = {
      id: services.state.nextId(),
      sha,
      state: state as CommitStatusRecord['state'],
      context,
      description: optionalString(body, 'description', 'Status') ?? null,
      targetUrl: optionalString(body, 'target_url', 'Status') ?? null,
      creator,
      createdAt: toGitHubTime(Date.now()),
    };
    (repo.statuses ??= []).push(created);
    return created;
  });
  return json(201, statusJson(services, c, status));
};

async function statusesFor(services: ApiServices, c: RepoContext, ref: string) {
  const sha = await services.store.resolveCommit(c.owner, c.repo, ref);
  if (!sha) throw validationFailed([], `No commit found for SHA: ${ref}`);
  // Newest first, as GitHub lists them.
  return { sha, statuses: (services.state.repo(fullName(c)).statuses ?? []).filter(s => s.sha === sha).sort((a, b) => b.id - a.id) };
}

/** `GET /repos/{owner}/{repo}/commits/{ref}/statuses` — https://docs.github.com/en/rest/commits/statuses#list-commit-statuses-for-a-reference */
export const listStatuses: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const { statuses } = await statusesFor(services, c, request.params.ref);
  const page = paginate(statuses, request.url);
  return json(200, page.items.map(s => statusJson(services, c, s)), page.link ? { link: page.link } : undefined);
};

/**
 * `GET /repos/{owner}/{repo}/commits/{ref}/status` — the latest status per
 * context; `failure` if any is error or failure, `pending` if any is pending
 * or there is none, else `success`
 * (https://docs.github.com/en/rest/commits/statuses#get-the-combined-status-for-a-specific-reference).
 */
export const getCombinedStatus: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const { sha, statuses } = await statusesFor(services, c, request.params.ref);
  const latest = new Map<string, CommitStatusRecord>();
  for (const status of statuses) if (!latest.has(status.context)) latest.set(status.context, status);
  const states = [...latest.values()].map(s => s.state);
  let state = 'success';
  if (states.some(s => s === 'error' || s === 'failure')) state = 'failure';
  else if (states.length === 0 || states.includes('pending')) state = 'pending';
  return json(200, {
    state,
    sha,
    total_count: latest.size,
    statuses: [...latest.values()].map(s => statusJson(services, c, s)),
    repository: { full_name: fullName(c) },
    commit_url: `${services.base}/repos/${c.owner}/${c.repo}/commits/${sha}`,
    url: `${services.base}/repos/${c.owner}/${c.repo}/commits/${sha}/status`,
  });
};

/** Registered before the commit routes, whose `*ref` would swallow these paths. */
export function registerCheckRoutes(router: Router<ApiHandler>) {
  router
    .add('POST', '/repos/:owner/:repo/check-runs', createCheckRun)
    .add('GET', '/repos/:owner/:repo/check-runs/:id', getCheckRun)
    .add('PATCH', '/repos/:owner/:repo/check-runs/:id', updateCheckRun)
    .add('GET', '/repos/:owner/:repo/commits/:ref/check-runs', listCheckRunsForRef)
    .add('POST', '/repos/:owner/:repo/statuses/:sha', createStatus)
    .add('GET', '/repos/:owner/:repo/commits/:ref/statuses', listStatuses)
    .add('GET', '/repos/:owner/:repo/commits/:ref/status', getCombinedStatus);
}
