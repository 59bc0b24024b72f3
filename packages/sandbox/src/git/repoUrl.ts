import { isValidOwner, isValidRepoName } from './validation';

export interface RepoCoordinates {
  owner: string;
  repo: string;
}

/**
 * Reads `<owner>/<repo>` from a clone URL such as `http://host:port/acme/app.git`,
 * `http://user:token@host/acme/app`, or a trailing-slash variant. Returns
 * undefined for anything that is not exactly two valid path segments.
 */
export function parseRepoUrl(url: string): RepoCoordinates | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segments = pathname.replace(/\/+$/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (segments.length !== 2) return undefined;
  const owner = segments[0];
  const repo = segments[1].replace(/\.git$/i, '');
  if (!isValidOwner(owner) || !isValidRepoName(repo)) return undefined;
  return { owner, repo };
}
