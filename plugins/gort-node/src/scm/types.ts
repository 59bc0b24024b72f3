import type { PromptDiffFile } from '../ai/promptTypes';

/**
 * A repository as GORT names it: `owner/repo` on GitHub, group/project elsewhere.
 *
 * @public
 */
export interface ScmRepositoryRef {
  owner: string;
  repo: string;
}

/**
 * A pull (merge) request GORT opened or reads.
 *
 * @public
 */
export interface ScmPullRequest {
  number: number;
  /** The web page of the pull request (stored on the run). */
  url: string;
  state: 'open' | 'merged' | 'closed';
  headRef: string;
  headSha: string;
  mergeCommitSha?: string;
}

/** @public */
export interface ScmCommit {
  sha: string;
  message: string;
  parents: string[];
}

/**
 * Where `head` stands relative to `base`: `ahead` (base is an ancestor of
 * head), `behind` (head is an ancestor of base), `identical`, or `diverged`
 * (each has commits the other lacks, as after a force-push). GitHub's
 * compare: https://docs.github.com/en/rest/commits/commits#compare-two-commits
 *
 * @public
 */
export interface ScmCommitComparison {
  /** Where head stands relative to base. */
  status: 'ahead' | 'behind' | 'identical' | 'diverged';
  /** Commits on head that base lacks. */
  aheadBy: number;
  /** Commits on base that head lacks. */
  behindBy: number;
}

/**
 * A file a comparison reports (the same shape the fix prompt's diff block takes).
 *
 * @public
 */
export type ScmDiffFile = PromptDiffFile;

/** @public */
export interface ScmComment {
  /** The web URL of the comment. */
  url: string;
  /** False when an existing comment with the marker was edited. */
  created: boolean;
}

/** @public */
export interface ScmCommitFilesInput {
  branch: string;
  /** The parent of the new commit. */
  parent: string;
  /** The commit whose tree the files are written onto. */
  treeBase: string;
  /** Path → full new content. */
  files: Record<string, string>;
  message: string;
}

/**
 * What GORT does on one Git repository: read files, compare commits, push a
 * fix branch, open, update and comment pull requests, comment commits.
 *
 * Errors other than "not found" are thrown; GORT turns them into the run's
 * fix result, so their messages should say what the SCM refused.
 *
 * Further capabilities (check runs, commit statuses) will arrive as new
 * members of this interface or as separate interfaces a repository may also
 * implement.
 *
 * @public
 */
export interface ScmRepository {
  /** `owner/repo`, as stored on fix PR records. */
  readonly fullName: string;

  /** A file's text at a ref, or undefined when it does not exist there. */
  readFile(path: string, ref: string): Promise<string | undefined>;
  /** Every file path at a ref (the whole tree, recursively). */
  listFiles(ref: string): Promise<string[]>;
  /** The files changed between two commits (`before...after`), with patches. */
  compare(before: string, after: string): Promise<ScmDiffFile[]>;
  /**
   * How `head` relates to `base` in history (`base...head`). GORT orders
   * force-pushes with it; without it, the order pushes arrived in stands.
   */
  compareCommits?(base: string, head: string): Promise<ScmCommitComparison>;
  getCommit(sha: string): Promise<ScmCommit>;
  /** The commit a branch points at, or undefined when there is no such branch. */
  getBranchHead(branch: string): Promise<string | undefined>;
  /**
   * One commit with `files` on top of `treeBase`'s tree and with parent
   * `parent`; the branch is created at it or fast-forwarded to it.
   * Returns the new commit's SHA.
   */
  commitFiles(input: ScmCommitFilesInput): Promise<string>;
  defaultBranch(): Promise<string>;

  createPullRequest(input: { title: string; body: string; head: string; base: string; labels: string[] }): Promise<ScmPullRequest>;
  updatePullRequest(number: number, input: { title: string; body: string }): Promise<ScmPullRequest>;
  /** Undefined when there is no such pull request. */
  getPullRequest(number: number): Promise<ScmPullRequest | undefined>;
  /** The open pull request whose head is `branch` of this repository, if any. */
  findOpenPullRequest(branch: string): Promise<ScmPullRequest | undefined>;
  commentOnPullRequest(number: number, body: string): Promise<void>;
  /** The open pull request whose head is `branch` (of this repository), if any. */
  findOpenPullRequest(branch: string): Promise<ScmPullRequest | undefined>;
  /**
   * The one comment of a pull request that carries `marker`, kept invisible
   * in the comment (an HTML comment on GitHub): created on the first call,
   * edited in place afterwards. `marker` is letters, digits and `:._/-`.
   */
  upsertPullRequestComment(number: number, marker: string, body: string): Promise<ScmComment>;
  /** The web URL of a comment on commit `sha` that contains `marker`, if any (retries find their comment). */
  findCommitComment(sha: string, marker: string): Promise<string | undefined>;
  /** Returns the web URL of the comment. */
  commentOnCommit(sha: string, body: string): Promise<string>;
}

/**
 * A source-control system GORT can work with, selected by
 * `gort.scm.provider: <id>` (default `github`, built in).
 *
 * @public
 */
export interface GortScmProvider {
  /** The value of `gort.scm.provider` that selects this provider. */
  readonly id: string;
  /** A handle on one repository; may fetch credentials, should not call the repository yet. */
  repository(ref: ScmRepositoryRef): Promise<ScmRepository>;
}
