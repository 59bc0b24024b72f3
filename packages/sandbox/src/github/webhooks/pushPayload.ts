/** Pure builder of GitHub's `push` webhook payload (shape of the api.github.com examples). */
import { PushCommit, RefUpdateEvent, ZERO_SHA } from '../../git';
import type { CommitObject } from '../../git';
import { repoJson, userJson } from '../representations';

export interface PushPayloadInput {
  base: string;
  event: RefUpdateEvent;
  /** The pushed commits, oldest first (already capped). */
  commits: PushCommit[];
  /** The commit the ref now points at (absent for a deletion). */
  headCommit?: PushCommit | CommitObject;
  repository: ReturnType<typeof repoJson>;
  sender: { login: string; name: string; email: string };
  /** Maps a commit author email to a user login, when one is known. */
  userFor?: (email: string) => string | undefined;
}

/** Webhook payloads describe the repository, not the sender's access to it. */
function withoutPermissions(repository: PushPayloadInput['repository']) {
  const { permissions: _permissions, ...rest } = repository;
  return rest;
}

function epochSeconds(iso: string): number {
  return Math.floor(new Date(iso).getTime() / 1000);
}

/** GitHub's push payloads show timestamps with the author's offset; we store UTC, which GitHub also accepts. */
function commitJson(input: PushPayloadInput, commit: PushCommit | CommitObject, distinct: boolean) {
  const html = input.repository.html_url;
  const person = (p: CommitObject['author']) => {
    const username = input.userFor?.(p.email);
    return { name: p.name, email: p.email, ...(username ? { username } : {}) };
  };
  const changes = 'added' in commit ? commit : { added: [], removed: [], modified: [] };
  return {
    id: commit.sha,
    tree_id: commit.tree,
    distinct,
    message: commit.message,
    timestamp: commit.committer.date,
    url: `${html}/commit/${commit.sha}`,
    author: person(commit.author),
    committer: person(commit.committer),
    added: changes.added,
    removed: changes.removed,
    modified: changes.modified,
  };
}

export function compareUrl(htmlUrl: string, event: RefUpdateEvent): string {
  const short = (sha: string) => sha.slice(0, 12);
  if (event.before === ZERO_SHA) return `${htmlUrl}/compare/${event.ref.replace(/^refs\/(heads|tags)\//, '')}`;
  return `${htmlUrl}/compare/${short(event.before)}...${short(event.after)}`;
}

export function buildPushPayload(input: PushPayloadInput) {
  const { event, repository } = input;
  const distinctShas = new Set(input.commits.map(commit => commit.sha));
  return {
    ref: event.ref,
    before: event.before,
    after: event.after,
    created: event.before === ZERO_SHA,
    deleted: event.after === ZERO_SHA,
    forced: event.forced,
    base_ref: null,
    compare: compareUrl(repository.html_url, event),
    commits: input.commits.map(commit => commitJson(input, commit, true)),
    head_commit: input.headCommit ? commitJson(input, input.headCommit, distinctShas.has(input.headCommit.sha)) : null,
    repository: {
      ...withoutPermissions(repository),
      // Push payloads carry these two as epoch seconds, unlike the REST API.
      created_at: epochSeconds(repository.created_at),
      pushed_at: epochSeconds(repository.pushed_at),
      stargazers: repository.stargazers_count,
      master_branch: repository.default_branch,
    },
    pusher: { name: event.pusher?.name ?? input.sender.login, email: event.pusher?.email ?? input.sender.email },
    sender: userJson(input.base, input.sender.login),
  };
}
