/** Pure helpers for speaking CGI with `git http-backend`. */

export interface CgiHead {
  status: number;
  headers: Array<[string, string]>;
  /** Offset of the first body byte in the buffer the head was parsed from. */
  bodyOffset: number;
}

/** Parses the CGI header block once it is complete; undefined while more output is needed. */
export function parseCgiHead(buffer: Buffer): CgiHead | undefined {
  let end = buffer.indexOf('\r\n\r\n');
  let separatorLength = 4;
  const lfEnd = buffer.indexOf('\n\n');
  if (lfEnd !== -1 && (end === -1 || lfEnd < end)) {
    end = lfEnd;
    separatorLength = 2;
  }
  if (end === -1) return undefined;
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of buffer.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { status, headers, bodyOffset: end + separatorLength };
}

export interface BasicCredentials {
  username: string;
  password: string;
}

/** Reads `Authorization: Basic …`; `token`/`Bearer` schemes yield the token as password, like GitHub. */
export function parseAuthorizationHeader(header: string | undefined): BasicCredentials | undefined {
  if (!header) return undefined;
  const [scheme, ...rest] = header.trim().split(/\s+/);
  const value = rest.join(' ');
  if (!value) return undefined;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return { username: decoded, password: '' };
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (/^(token|bearer)$/i.test(scheme)) return { username: 'token', password: value };
  return undefined;
}

export type GitService = 'git-upload-pack' | 'git-receive-pack';

export interface GitHttpRoute {
  owner: string;
  repo: string;
  service: GitService;
  /** Path below the repository, e.g. `info/refs` or `git-receive-pack`. */
  action: 'info/refs' | GitService;
}

const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

/** Recognises smart HTTP requests; undefined for every other path. */
export function matchGitHttpRoute(method: string, pathname: string, query: URLSearchParams): GitHttpRoute | undefined {
  const match = GIT_PATH.exec(pathname);
  if (!match) return undefined;
  const [, owner, repo, action] = match;
  if (action === 'info/refs') {
    const service = query.get('service');
    if (method !== 'GET' || (service !== 'git-upload-pack' && service !== 'git-receive-pack')) return undefined;
    return { owner, repo, service, action };
  }
  if (method !== 'POST') return undefined;
  return { owner, repo, service: action as GitService, action: action as GitService };
}
