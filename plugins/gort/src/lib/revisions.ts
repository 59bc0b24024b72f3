import type { RepoRef } from '@gort-backstage/plugin-gort-common';

const SHA = /[0-9a-f]{40}$/i;

/**
 * The commit SHA of a Flux revision: `main@sha1:<sha>` (Flux v2.1+),
 * `main/<sha>` (older controllers) or a bare SHA.
 */
export function revisionSha(revision?: string): string | undefined {
  return revision?.trim().match(SHA)?.[0].toLowerCase();
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** `owner/repo` (as runs store it) or a RepoRef. */
export type RepoLike = string | RepoRef | undefined;

function repoSlug(repo: RepoLike): string | undefined {
  if (!repo) {
    return undefined;
  }
  return typeof repo === 'string' ? repo : `${repo.owner}/${repo.repo}`;
}

/**
 * Where a commit can be seen: the URL the backend recorded for the push, else
 * the commit page of the GitHub repository.
 */
export function commitUrl(options: {
  sha: string;
  url?: string;
  repo?: RepoLike;
}): string | undefined {
  if (options.url) {
    return options.url;
  }
  const slug = repoSlug(options.repo);
  return slug ? `https://github.com/${slug}/commit/${options.sha}` : undefined;
}
