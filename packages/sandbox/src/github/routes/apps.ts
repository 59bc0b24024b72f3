import { ApiHandler, ApiRequest, json, parsePositiveInt } from '../apiContext';
import type { AppInstallation } from '../appAuth';
import { GitHubHttpError, notFound, problem } from '../httpErrors';
import { paginate } from '../pagination';
import { toGitHubTime, userJson } from '../representations';
import type { Router } from '../router';

// GitHub App endpoints (https://docs.github.com/en/rest/apps/apps and
// https://docs.github.com/en/rest/apps/installations). The app's own
// endpoints take the app JWT only; /installation/* an installation token only.

const PERMISSIONS = { checks: 'write', statuses: 'write', contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' };

function requireApp(request: ApiRequest): void {
  if (request.principal?.kind !== 'app') {
    // What GitHub answers a non-JWT credential on an app endpoint.
    throw new GitHubHttpError(401, {
      message: 'A JSON web token could not be decoded',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
  }
}

function installationJson(base: string, appId: number, installation: AppInstallation) {
  return {
    id: installation.id,
    account: userJson(base, installation.account),
    repository_selection: 'all',
    access_tokens_url: `${base}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${base}/installation/repositories`,
    html_url: `${base}/organizations/${installation.account}/settings/installations/${installation.id}`,
    app_id: appId,
    target_id: installation.id,
    target_type: 'Organization',
    permissions: PERMISSIONS,
    events: ['push', 'check_run'],
    created_at: toGitHubTime(0),
    updated_at: toGitHubTime(0),
    single_file_name: null,
    suspended_by: null,
    suspended_at: null,
  };
}

/** `GET /app` — https://docs.github.com/en/rest/apps/apps#get-the-authenticated-app */
export const getAuthenticatedApp: ApiHandler = async (request, services) => {
  requireApp(request);
  const { app } = services.apps;
  return json(200, {
    id: app.appId,
    slug: app.slug,
    client_id: app.clientId,
    name: app.slug,
    owner: userJson(services.base, services.user.login),
    permissions: PERMISSIONS,
    events: ['push', 'check_run'],
    installations_count: services.apps.installations().length,
  });
};

/** `GET /app/installations` — https://docs.github.com/en/rest/apps/apps#list-installations-for-the-authenticated-app */
export const listInstallations: ApiHandler = async (request, services) => {
  requireApp(request);
  const page = paginate(services.apps.installations(), request.url);
  return json(
    200,
    page.items.map(i => installationJson(services.base, services.apps.app.appId, i)),
    page.link ? { link: page.link } : undefined,
  );
};

/** `POST /app/installations/{id}/access_tokens` — https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app */
export const createInstallationToken: ApiHandler = async (request, services) => {
  requireApp(request);
  const id = parsePositiveInt(request.params.installationId);
  const issued = id === undefined ? undefined : services.apps.issueToken(id);
  if (!issued) throw notFound();
  return json(201, {
    token: issued.token,
    expires_at: toGitHubTime(issued.expiresAt),
    permissions: PERMISSIONS,
    repository_selection: 'all',
  });
};

/** `GET /installation/repositories` — https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-app-installation */
export const listInstallationRepositories: ApiHandler = async (request, services) => {
  const principal = request.principal;
  if (principal?.kind !== 'installation') throw problem(403, 'This endpoint requires an installation access token');
  const repos = (await services.store.listRepos())
    .filter(r => r.owner.toLowerCase() === principal.account.toLowerCase())
    .map(r => ({ id: services.state.repo(`${r.owner}/${r.repo}`).id, name: r.repo, full_name: `${r.owner}/${r.repo}`, owner: userJson(services.base, r.owner) }));
  const page = paginate(repos, request.url);
  return json(200, { total_count: repos.length, repository_selection: 'all', repositories: page.items }, page.link ? { link: page.link } : undefined);
};

export function registerAppRoutes(router: Router<ApiHandler>) {
  router
    .add('GET', '/app', getAuthenticatedApp)
    .add('GET', '/app/installations', listInstallations)
    .add('POST', '/app/installations/:installationId/access_tokens', createInstallationToken)
    .add('GET', '/installation/repositories', listInstallationRepositories);
}
