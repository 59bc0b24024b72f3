import fs from 'node:fs';
import path from 'node:path';

/** What GitHub keeps outside git: pull requests, comments, labels. Persisted as one JSON file. */

export interface PullRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  headRef: string;
  /** Last known head commit; kept after the head branch is deleted. */
  headSha: string;
  baseRef: string;
  user: string;
  maintainerCanModify: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  /** The base branch's commit just before the merge; the merged pull request's diff is against it. */
  baseShaAtMerge?: string;
  mergedBy: string | null;
  labels: string[];
}

export interface IssueCommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface CommitCommentRecord {
  id: number;
  commitId: string;
  body: string;
  path: string | null;
  position: number | null;
  line: number | null;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface CheckRunRecord {
  id: number;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  appId: number;
  /** Every update in order (what a test can read to see the stages a check went through). */
  history: Array<{ at: string; status: string; conclusion: string | null; title: string | null }>;
}

export interface CommitStatusRecord {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface RepoRecord {
  id: number;
  createdAt: string;
  nextNumber: number;
  pulls: PullRecord[];
  issueComments: IssueCommentRecord[];
  commitComments: CommitCommentRecord[];
  labels: LabelRecord[];
  /** Absent in state files written before checks existed. */
  checkRuns?: CheckRunRecord[];
  statuses?: CommitStatusRecord[];
}

interface StateFile {
  version: 1;
  nextId: number;
  repos: Record<string, RepoRecord>;
}

export class GitHubStateStore {
  private state: StateFile;

  constructor(private readonly file: string) {
    this.state = GitHubStateStore.load(file);
  }

  private static load(file: string): StateFile {
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as StateFile;
      if (parsed && parsed.version === 1 && typeof parsed.repos === 'object') return parsed;
    } catch {
      // Missing or unreadable: start empty.
    }
    return { version: 1, nextId: 1, repos: {} };
  }

  nextId(): number {
    const id = this.state.nextId;
    this.state.nextId += 1;
    return id;
  }

  /** The record of a repository, created on first use (numbers and ids start there). */
  repo(fullName: string): RepoRecord {
    const key = fullName.toLowerCase();
    let record = this.state.repos[key];
    if (!record) {
      record = {
        id: this.nextId(),
        createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        nextNumber: 1,
        pulls: [],
        issueComments: [],
        commitComments: [],
        labels: [],
        checkRuns: [],
        statuses: [],
      };
      this.state.repos[key] = record;
      this.save();
    }
    return record;
  }

  /** Applies a mutation and writes the file atomically (write, then rename). */
  update<T>(fullName: string, mutate: (record: RepoRecord) => T): T {
    const result = mutate(this.repo(fullName));
    this.save();
    return result;
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.state, null, 2));
    fs.renameSync(temp, this.file);
  }
}
