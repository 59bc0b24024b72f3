import { z } from 'zod';
import type { RepoRef } from '@gort-backstage/plugin-gort-common';

const sha = z.string().regex(/^[0-9a-f]{40}$/i, 'expected a 40-hex commit SHA');

const commitSchema = z.object({
  id: sha,
  message: z.string().max(100_000),
  timestamp: z.string(),
  url: z.string().optional(),
  author: z.object({
    name: z.string().max(500),
    email: z.string().max(500).nullish(),
    username: z.string().max(200).optional(),
  }),
  added: z.array(z.string()).optional(),
  removed: z.array(z.string()).optional(),
  modified: z.array(z.string()).optional(),
});

/** The parts of GitHub's `push` payload GORT relies on. */
export const pushPayloadSchema = z.object({
  ref: z.string().min(1).max(1000),
  before: sha,
  after: sha,
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  compare: z.string().optional(),
  commits: z.array(commitSchema).max(5000).default([]),
  head_commit: commitSchema.nullable().optional(),
  repository: z.object({
    name: z.string().min(1).max(200),
    full_name: z.string().min(3).max(300),
    default_branch: z.string().min(1).max(255).optional(),
    master_branch: z.string().optional(),
    html_url: z.string().optional(),
    owner: z.object({
      login: z.string().optional(),
      name: z.string().nullish(),
    }),
  }),
  pusher: z.object({ name: z.string().max(500) }).partial().optional(),
  sender: z.object({ login: z.string().max(200) }).partial().optional(),
});

export type PushPayload = z.infer<typeof pushPayloadSchema>;

export interface PushCommitInfo {
  sha: string;
  message: string;
  author: string;
  timestamp: string;
  url?: string;
}

/** A push to a branch, as GORT uses it. */
export interface PushEvent {
  repo: RepoRef;
  branch: string;
  defaultBranch?: string;
  isDefaultBranch: boolean;
  before: string;
  after: string;
  forced: boolean;
  compareUrl?: string;
  headCommit?: PushCommitInfo;
  pusher?: string;
  changedFiles: string[];
}

export type PushParseResult =
  | { kind: 'push'; event: PushEvent }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; problems: string[] };

const MAX_CHANGED_FILES = 2000;

function describeIssues(error: z.ZodError): string[] {
  return error.issues
    .slice(0, 10)
    .map(issue => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
}

/**
 * Validates a push payload and says whether it can start runs: tag pushes and
 * branch deletions are ignored, anything malformed is invalid.
 */
export function parsePushPayload(body: unknown): PushParseResult {
  const parsed = pushPayloadSchema.safeParse(body);
  if (!parsed.success) {
    return { kind: 'invalid', problems: describeIssues(parsed.error) };
  }
  const payload = parsed.data;
  if (!payload.ref.startsWith('refs/heads/')) {
    return { kind: 'ignored', reason: `${payload.ref} is not a branch` };
  }
  if (payload.deleted || /^0{40}$/.test(payload.after)) {
    return { kind: 'ignored', reason: `${payload.ref} was deleted` };
  }
  const [owner, repo] = payload.repository.full_name.split('/');
  if (!owner || !repo) {
    return { kind: 'invalid', problems: ['repository.full_name: expected owner/repo'] };
  }
  const branch = payload.ref.slice('refs/heads/'.length);
  const defaultBranch =
    payload.repository.default_branch ?? payload.repository.master_branch;
  const head = payload.head_commit ?? payload.commits[payload.commits.length - 1];
  const changed = new Set<string>();
  for (const commit of payload.commits) {
    for (const file of [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]) {
      if (changed.size < MAX_CHANGED_FILES) changed.add(file);
    }
  }
  return {
    kind: 'push',
    event: {
      repo: { owner, repo },
      branch,
      defaultBranch,
      isDefaultBranch: defaultBranch === branch,
      before: payload.before.toLowerCase(),
      after: payload.after.toLowerCase(),
      forced: payload.forced ?? false,
      compareUrl: payload.compare,
      headCommit: head
        ? {
            sha: head.id.toLowerCase(),
            message: head.message.slice(0, 2000),
            author: head.author.username ?? head.author.name,
            timestamp: head.timestamp,
            url: head.url,
          }
        : undefined,
      pusher: payload.pusher?.name ?? payload.sender?.login,
      changedFiles: [...changed].sort(),
    },
  };
}
