/** Pure builders of GitHub REST response bodies (shapes follow recorded api.github.com responses). */
import type { ChangedFile, CommitObject, Comparison, RefEntry, TreeEntry } from '../git';
import type { CommitCommentRecord, IssueCommentRecord, LabelRecord, PullRecord } from './stateStore';

export interface RepoContext {
  base: string;
  owner: string;
  repo: string;
}

export function stableId(value: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < value.length; index += 1) {
    hash ^= value.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 2_000_000_000 + 1;
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64');
}

export function toGitHubTime(date: Date | string | number): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const repoApi = (c: RepoContext) => `${c.base}/repos/${c.owner}/${c.repo}`;
const repoHtml = (c: RepoContext) => `${c.base}/${c.owner}/${c.repo}`;

export function userJson(base: string, login: string) {
  const id = stableId(`user:${login}`);
  const url = `${base}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `${base}/avatars/${login}`,
    gravatar_id: '',
    url,
    html_url: `${base}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    site_admin: false,
  };
}

export interface RepoFacts {
  id: number;
  defaultBranch: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  openIssues: number;
}

export function repoJson(c: RepoContext, facts: RepoFacts) {
  const api = repoApi(c);
  const html = repoHtml(c);
  return {
    id: facts.id,
    node_id: nodeId('Repository', facts.id),
    name: c.repo,
    full_name: `${c.owner}/${c.repo}`,
    private: false,
    owner: userJson(c.base, c.owner),
    html_url: html,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: facts.createdAt,
    updated_at: facts.updatedAt,
    pushed_at: facts.pushedAt,
    git_url: `${html}.git`,
    ssh_url: `${html}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: facts.openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [] as string[],
    visibility: 'public',
    forks: 0,
    open_issues: facts.openIssues,
    watchers: 0,
    default_branch: facts.defaultBranch,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
  };
}

export function refJson(c: RepoContext, entry: RefEntry) {
  return {
    ref: entry.ref,
    node_id: nodeId('Ref', `${c.owner}/${c.repo}:${entry.ref}`),
    url: `${repoApi(c)}/git/${entry.ref}`,
    object: {
      sha: entry.sha,
      type: entry.type,
      url: `${repoApi(c)}/git/${entry.type === 'tag' ? 'tags' : 'commits'}/${entry.sha}`,
    },
  };
}

const UNSIGNED = { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };

export function gitCommitJson(c: RepoContext, commit: CommitObject) {
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    url: `${repoApi(c)}/git/commits/${commit.sha}`,
    html_url: `${repoHtml(c)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree, url: `${repoApi(c)}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map(sha => ({
      sha,
      url: `${repoApi(c)}/git/commits/${sha}`,
      html_url: `${repoHtml(c)}/commit/${sha}`,
    })),
    verification: UNSIGNED,
  };
}

const API_COLLECTION_BY_TYPE: Record<TreeEntry['type'], string> = { tree: 'trees', blob: 'blobs', commit: 'commits' };

/** The `type` GitHub's contents API reports for a tree entry. */
function contentType(entry: { type: TreeEntry['type']; mode: string }): string {
  if (entry.type === 'tree') return 'dir';
  if (entry.type === 'commit') return 'submodule';
  return entry.mode === '120000' ? 'symlink' : 'file';
}

export function treeEntryJson(c: RepoContext, entry: TreeEntry) {
  const kind = API_COLLECTION_BY_TYPE[entry.type];
  return {
    path: entry.path,
    mode: entry.mode,
    type: entry.type,
    sha: entry.sha,
    ...(entry.type === 'blob' ? { size: entry.size ?? 0 } : {}),
    url: `${repoApi(c)}/git/${kind}/${entry.sha}`,
  };
}

export function gitTreeJson(c: RepoContext, sha: string, entries: TreeEntry[]) {
  return {
    sha,
    url: `${repoApi(c)}/git/trees/${sha}`,
    tree: entries.map(entry => treeEntryJson(c, entry)),
    truncated: false,
  };
}

export function blobJson(c: RepoContext, sha: string, content: Buffer) {
  return {
    sha,
    node_id: nodeId('Blob', sha),
    size: content.length,
    url: `${repoApi(c)}/git/blobs/${sha}`,
    content: wrapBase64(content),
    encoding: 'base64',
  };
}

/** GitHub wraps base64 content at 60 characters per line. */
export function wrapBase64(content: Buffer): string {
  const encoded = content.toString('base64');
  const lines = encoded.match(/.{1,60}/g) ?? [];
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export function changedFileJson(c: RepoContext, headSha: string, file: ChangedFile) {
  const encodedPath = file.filename.split('/').map(encodeURIComponent).join('/');
  return {
    sha: file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.changes,
    blob_url: `${repoHtml(c)}/blob/${headSha}/${encodedPath}`,
    raw_url: `${repoHtml(c)}/raw/${headSha}/${encodedPath}`,
    contents_url: `${repoApi(c)}/contents/${encodedPath}?ref=${headSha}`,
    ...(file.patch !== undefined ? { patch: file.patch } : {}),
    ...(file.previousFilename !== undefined ? { previous_filename: file.previousFilename } : {}),
  };
}

/** `GET /repos/{o}/{r}/commits/{ref}` (and entries of commit lists when `files` is omitted). */
export function repoCommitJson(
  c: RepoContext,
  commit: CommitObject,
  options: { files?: ChangedFile[]; commentCount?: number; userFor?: (email: string) => string | undefined } = {},
) {
  const api = repoApi(c);
  const authorLogin = options.userFor?.(commit.author.email);
  const committerLogin = options.userFor?.(commit.committer.email);
  const result: Record<string, unknown> = {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    commit: {
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: options.commentCount ?? 0,
      verification: UNSIGNED,
    },
    url: `${api}/commits/${commit.sha}`,
    html_url: `${repoHtml(c)}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    author: authorLogin ? userJson(c.base, authorLogin) : null,
    committer: committerLogin ? userJson(c.base, committerLogin) : null,
    parents: commit.parents.map(sha => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${repoHtml(c)}/commit/${sha}`,
    })),
  };
  if (options.files) {
    const additions = options.files.reduce((sum, file) => sum + file.additions, 0);
    const deletions = options.files.reduce((sum, file) => sum + file.deletions, 0);
    result.stats = { total: additions + deletions, additions, deletions };
    result.files = options.files.map(file => changedFileJson(c, commit.sha, file));
  }
  return result;
}

export function comparisonJson(
  c: RepoContext,
  basehead: string,
  comparison: Comparison,
  mergeBase: CommitObject | undefined,
  baseCommit: CommitObject,
  userFor?: (email: string) => string | undefined,
) {
  const api = repoApi(c);
  const html = repoHtml(c);
  return {
    url: `${api}/compare/${basehead}`,
    html_url: `${html}/compare/${basehead}`,
    permalink_url: `${html}/compare/${c.owner}:${comparison.baseSha.slice(0, 7)}...${c.owner}:${comparison.headSha.slice(0, 7)}`,
    diff_url: `${html}/compare/${basehead}.diff`,
    patch_url: `${html}/compare/${basehead}.patch`,
    base_commit: repoCommitJson(c, baseCommit, { userFor }),
    merge_base_commit: mergeBase ? repoCommitJson(c, mergeBase, { userFor }) : null,
    status: comparison.status,
    ahead_by: comparison.aheadBy,
    behind_by: comparison.behindBy,
    total_commits: comparison.aheadBy,
    commits: comparison.commits.map(commit => repoCommitJson(c, commit, { userFor })),
    files: comparison.files.map(file => changedFileJson(c, comparison.headSha, file)),
  };
}

export interface ContentEntry {
  path: string;
  sha: string;
  size: number;
  mode: string;
  type: TreeEntry['type'];
}

/** Entry of `GET contents` (a directory listing item, or the file itself when `content` is given). */
export function contentJson(c: RepoContext, entry: ContentEntry, ref: string, content?: Buffer) {
  const api = repoApi(c);
  const encodedPath = entry.path.split('/').map(encodeURIComponent).join('/');
  const type = contentType(entry);
  const self = `${api}/contents/${encodedPath}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = entry.type === 'commit' ? null : `${api}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`;
  const htmlUrl = `${repoHtml(c)}/${entry.type === 'tree' ? 'tree' : 'blob'}/${ref}/${encodedPath}`;
  return {
    type,
    ...(content !== undefined ? { encoding: 'base64' } : {}),
    size: entry.type === 'blob' ? entry.size : 0,
    name: entry.path.split('/').pop() ?? entry.path,
    path: entry.path,
    ...(content !== undefined ? { content: wrapBase64(content) } : {}),
    sha: entry.sha,
    url: self,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: entry.type === 'blob' ? `${repoHtml(c)}/raw/${ref}/${encodedPath}` : null,
    _links: { self, git: gitUrl, html: htmlUrl },
  };
}

export function labelJson(c: RepoContext, label: LabelRecord) {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: `${repoApi(c)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}

export function issueCommentJson(c: RepoContext, comment: IssueCommentRecord) {
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${repoApi(c)}/issues/comments/${comment.id}`,
    html_url: `${repoHtml(c)}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoApi(c)}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(c.base, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: 'OWNER',
    performed_via_github_app: null,
  };
}

export function commitCommentJson(c: RepoContext, comment: CommitCommentRecord) {
  return {
    html_url: `${repoHtml(c)}/commit/${comment.commitId}#commitcomment-${comment.id}`,
    url: `${repoApi(c)}/comments/${comment.id}`,
    id: comment.id,
    node_id: nodeId('CommitComment', comment.id),
    body: comment.body,
    path: comment.path,
    position: comment.position,
    line: comment.line,
    commit_id: comment.commitId,
    user: userJson(c.base, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: 'OWNER',
  };
}

export interface PullFacts {
  repository: ReturnType<typeof repoJson>;
  labels: LabelRecord[];
  baseSha: string;
  comments: number;
  /** Only for the single-pull view; list entries omit merge details like GitHub does. */
  details?: {
    mergeable: boolean | null;
    commits: number;
    additions: number;
    deletions: number;
    changedFiles: number;
  };
}

function mergeableState(pull: PullRecord, mergeable: boolean | null): string {
  if (pull.state !== 'open' || mergeable === null) return 'unknown';
  return mergeable ? 'clean' : 'dirty';
}

export function pullJson(c: RepoContext, pull: PullRecord, facts: PullFacts) {
  const api = repoApi(c);
  const html = repoHtml(c);
  const owner = userJson(c.base, c.owner);
  const self = `${api}/pulls/${pull.number}`;
  const result: Record<string, unknown> = {
    url: self,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: `${html}/pull/${pull.number}`,
    diff_url: `${html}/pull/${pull.number}.diff`,
    patch_url: `${html}/pull/${pull.number}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(c.base, pull.user),
    body: pull.body,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: facts.labels.map(label => labelJson(c, label)),
    milestone: null,
    draft: pull.draft,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pull.headSha}`,
    head: { label: `${c.owner}:${pull.headRef}`, ref: pull.headRef, sha: pull.headSha, user: owner, repo: facts.repository },
    base: { label: `${c.owner}:${pull.baseRef}`, ref: pull.baseRef, sha: facts.baseSha, user: owner, repo: facts.repository },
    _links: {
      self: { href: self },
      html: { href: `${html}/pull/${pull.number}` },
      issue: { href: `${api}/issues/${pull.number}` },
      comments: { href: `${api}/issues/${pull.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${api}/statuses/${pull.headSha}` },
    },
    author_association: 'OWNER',
    auto_merge: null,
    active_lock_reason: null,
  };
  if (facts.details) {
    const merged = pull.mergedAt !== null;
    Object.assign(result, {
      merged,
      mergeable: pull.state === 'open' ? facts.details.mergeable : null,
      rebaseable: pull.state === 'open' ? facts.details.mergeable : null,
      mergeable_state: mergeableState(pull, facts.details.mergeable),
      merged_by: pull.mergedBy ? userJson(c.base, pull.mergedBy) : null,
      comments: facts.comments,
      review_comments: 0,
      maintainer_can_modify: pull.maintainerCanModify,
      commits: facts.details.commits,
      additions: facts.details.additions,
      deletions: facts.details.deletions,
      changed_files: facts.details.changedFiles,
    });
  }
  return result;
}

export function branchJson(c: RepoContext, name: string, commit: CommitObject) {
  const api = repoApi(c);
  return {
    name,
    commit: repoCommitJson(c, commit),
    _links: { self: `${api}/branches/${encodeURIComponent(name)}`, html: `${repoHtml(c)}/tree/${name}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
  };
}
