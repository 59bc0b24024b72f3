import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { combineDiff, ChangedFile, parseNameStatus } from './diffParsing';
import {
  MergeConflictError,
  NotFastForwardError,
  ObjectNotFoundError,
  RefConflictError,
  RefExistsError,
  RefNotFoundError,
  RepoExistsError,
  RepoNotFoundError,
} from './errors';
import {
  CommitObject,
  parseCommitObject,
  parseForEachRef,
  parseLsTree,
  RefEntry,
  TreeEntry,
  ZERO_SHA,
} from './gitObjects';
import { KeyedMutex } from './keyedMutex';
import { parseRepoUrl } from './repoUrl';
import { GitCommandError, runGit, runGitText } from './runGit';
import {
  assertBranchName,
  assertFullRef,
  assertIdentity,
  assertOwnerAndRepo,
  InvalidGitInputError,
  isFullSha,
  isShaLike,
  isValidRefName,
  normalizeOptionalRepoPath,
  normalizeRepoPath,
} from './validation';

export interface GitIdentity {
  name: string;
  email: string;
  /** Defaults to now. */
  date?: Date | string;
}

export interface Pusher {
  name: string;
  email?: string;
}

/** Emitted whenever a ref of a stored repository moves, whoever moved it. */
export interface RefUpdateEvent {
  owner: string;
  repo: string;
  ref: string;
  /** ZERO_SHA when the ref was created. */
  before: string;
  /** ZERO_SHA when the ref was deleted. */
  after: string;
  /** The old value is not an ancestor of the new one. */
  forced: boolean;
  pusher?: Pusher;
}

export type RefUpdateListener = (event: RefUpdateEvent) => void | Promise<void>;

/** `content: null` deletes the path. */
export type FileChanges = Record<string, string | Buffer | null>;

export interface TreeChange {
  path: string;
  mode: string;
  /** `null` deletes the path (and everything below it). */
  sha?: string | null;
  /** Inline content; written as a blob. */
  content?: string | Buffer;
}

export interface CreateCommitInput {
  tree: string;
  parents: string[];
  message: string;
  author: GitIdentity;
  committer?: GitIdentity;
}

export interface CommitFilesInput {
  branch: string;
  changes: FileChanges;
  message: string;
  author: GitIdentity;
  committer?: GitIdentity;
  /** Fail with RefConflictError unless the branch is at this commit. */
  expectedHeadSha?: string;
  pusher?: Pusher;
}

export interface CommitFilesResult {
  sha: string;
  before: string;
  tree: string;
}

export type MergeMethod = 'merge' | 'squash' | 'fast-forward';

export interface MergeInput {
  /** Branch that receives the merge. */
  base: string;
  /** Branch name or commit sha being merged. */
  head: string;
  method?: MergeMethod;
  message: string;
  author: GitIdentity;
  committer?: GitIdentity;
  /** Fail with RefConflictError unless the head resolves to this commit. */
  expectedHeadSha?: string;
  pusher?: Pusher;
}

export interface MergeResult {
  sha: string;
  before: string;
  fastForward: boolean;
}

export interface Comparison {
  baseSha: string;
  headSha: string;
  mergeBaseSha: string | undefined;
  status: 'identical' | 'ahead' | 'behind' | 'diverged';
  aheadBy: number;
  behindBy: number;
  /** Oldest first, like GitHub. */
  commits: CommitObject[];
  files: ChangedFile[];
}

export interface PushCommit extends CommitObject {
  added: string[];
  removed: string[];
  modified: string[];
}

export interface CreateRepoOptions {
  defaultBranch?: string;
  /** Seeds the repository with one initial commit containing these files. */
  files?: Record<string, string | Buffer>;
  author?: GitIdentity;
  message?: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/i;
const DEFAULT_AUTHOR: GitIdentity = { name: 'GORT Sandbox', email: 'sandbox@gort.invalid' };
const VALID_MODES = new Set(['100644', '100755', '040000', '160000', '120000']);

/**
 * Bare git repositories under `<dataDir>/<owner>/<repo>.git`, read and written
 * with git plumbing only (no work trees). Every ref move goes through
 * compare-and-swap `git update-ref` and is announced to listeners.
 */
export class GitRepoStore {
  readonly dataDir: string;
  private readonly listeners = new Set<RefUpdateListener>();
  private readonly locks = new KeyedMutex();

  constructor(dataDir: string) {
    this.dataDir = path.resolve(dataDir);
    fs.mkdirSync(this.dataDir, { recursive: true });
  }

  // ---- repositories ------------------------------------------------------

  repoDir(owner: string, repo: string): string {
    assertOwnerAndRepo(owner, repo);
    return path.join(this.dataDir, owner, `${repo}.git`);
  }

  hasRepo(owner: string, repo: string): boolean {
    try {
      return fs.existsSync(path.join(this.repoDir(owner, repo), 'HEAD'));
    } catch {
      return false;
    }
  }

  /** Maps `http://host:port/<owner>/<repo>(.git)` to the bare directory, if it exists. */
  resolveRepoDir(url: string): string | undefined {
    const coordinates = parseRepoUrl(url);
    if (!coordinates || !this.hasRepo(coordinates.owner, coordinates.repo)) return undefined;
    return this.repoDir(coordinates.owner, coordinates.repo);
  }

  async listRepos(): Promise<Array<{ owner: string; repo: string }>> {
    const result: Array<{ owner: string; repo: string }> = [];
    for (const owner of await fsp.readdir(this.dataDir, { withFileTypes: true })) {
      if (!owner.isDirectory()) continue;
      for (const entry of await fsp.readdir(path.join(this.dataDir, owner.name))) {
        if (!entry.endsWith('.git')) continue;
        const repo = entry.slice(0, -4);
        if (this.hasRepo(owner.name, repo)) result.push({ owner: owner.name, repo });
      }
    }
    return result;
  }

  async createRepo(owner: string, repo: string, options: CreateRepoOptions = {}) {
    const dir = this.repoDir(owner, repo);
    const defaultBranch = options.defaultBranch ?? 'main';
    assertBranchName(defaultBranch);
    if (this.hasRepo(owner, repo)) throw new RepoExistsError(owner, repo);
    await fsp.mkdir(path.dirname(dir), { recursive: true });
    await runGit(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, dir]);
    let headSha: string | undefined;
    if (options.files && Object.keys(options.files).length > 0) {
      const result = await this.commitFiles(owner, repo, {
        branch: defaultBranch,
        changes: options.files,
        message: options.message ?? 'Initial commit',
        author: options.author ?? DEFAULT_AUTHOR,
      });
      headSha = result.sha;
    }
    return { owner, repo, dir, defaultBranch, headSha };
  }

  async getDefaultBranch(owner: string, repo: string): Promise<string> {
    const gitDir = this.existingRepoDir(owner, repo);
    return (await runGitText(['symbolic-ref', '--short', 'HEAD'], { gitDir })).trim();
  }

  // ---- refs --------------------------------------------------------------

  /** All refs (optionally under a prefix such as `refs/heads/`), sorted by name. */
  async listRefs(owner: string, repo: string, prefix = 'refs/'): Promise<RefEntry[]> {
    const gitDir = this.existingRepoDir(owner, repo);
    const output = await runGitText(
      ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(objecttype)', '--', 'refs/'],
      { gitDir },
    );
    return parseForEachRef(output).filter(entry => entry.ref.startsWith(prefix));
  }

  /** The exact value of a fully qualified ref, or undefined. */
  async getRef(owner: string, repo: string, ref: string): Promise<string | undefined> {
    assertFullRef(ref);
    const gitDir = this.existingRepoDir(owner, repo);
    const result = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', ref], {
      gitDir,
      allowedExitCodes: [1],
    });
    return result.exitCode === 0 ? result.stdout.toString('utf8').trim() : undefined;
  }

  /**
   * Resolves a sha (full or abbreviated), branch, tag, `refs/...` name or HEAD
   * to a commit sha; undefined when nothing matches.
   */
  async resolveCommit(owner: string, repo: string, refish: string): Promise<string | undefined> {
    const gitDir = this.existingRepoDir(owner, repo);
    const candidates: string[] = [];
    if (refish === 'HEAD') candidates.push('HEAD');
    else if (refish.startsWith('refs/')) {
      if (isValidRefName(refish)) candidates.push(refish);
    } else if (FULL_SHA.test(refish)) {
      // git reads 40 hex digits as an object name before any ref of that
      // name; trying it first also saves two git processes per lookup
      candidates.push(refish, `refs/heads/${refish}`, `refs/tags/${refish}`);
    } else if (isValidRefName(refish)) {
      candidates.push(`refs/heads/${refish}`, `refs/tags/${refish}`);
      if (isShaLike(refish)) candidates.push(refish);
    }
    for (const candidate of candidates) {
      const result = await runGit(
        ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`],
        { gitDir, allowedExitCodes: [1, 128] },
      );
      if (result.exitCode === 0) return result.stdout.toString('utf8').trim();
    }
    return undefined;
  }

  async requireCommit(owner: string, repo: string, refish: string): Promise<string> {
    const sha = await this.resolveCommit(owner, repo, refish);
    if (!sha) throw new RefNotFoundError(refish);
    return sha;
  }

  /**
   * Moves (or creates) a ref with compare-and-swap. Without `force`, a move
   * that is not a fast-forward fails, like GitHub's ref API.
   * `expectedOld: null` means "must not exist yet".
   */
  async updateRef(
    owner: string,
    repo: string,
    ref: string,
    newSha: string,
    options: { force?: boolean; expectedOld?: string | null; pusher?: Pusher } = {},
  ): Promise<RefUpdateEvent> {
    assertFullRef(ref);
    const gitDir = this.existingRepoDir(owner, repo);
    await this.requireObject(gitDir, newSha, ref.startsWith('refs/heads/') ? 'commit' : undefined);
    return this.locks.run(gitDir, async () => {
      const current = await this.getRef(owner, repo, ref);
      if (options.expectedOld === null && current) throw new RefExistsError(ref);
      if (options.expectedOld && current !== options.expectedOld) throw new RefConflictError(ref);
      const forced = current ? !(await this.isAncestor(gitDir, current, newSha)) : false;
      if (forced && !options.force) throw new NotFastForwardError(ref);
      await this.compareAndSwapRef(gitDir, ref, newSha, current ?? ZERO_SHA);
      return this.announce({
        owner,
        repo,
        ref,
        before: current ?? ZERO_SHA,
        after: newSha,
        forced,
        pusher: options.pusher,
      });
    });
  }

  async deleteRef(owner: string, repo: string, ref: string, options: { pusher?: Pusher } = {}) {
    assertFullRef(ref);
    const gitDir = this.existingRepoDir(owner, repo);
    return this.locks.run(gitDir, async () => {
      const current = await this.getRef(owner, repo, ref);
      if (!current) throw new RefNotFoundError(ref);
      try {
        await runGit(['update-ref', '-d', ref, current], { gitDir });
      } catch (error) {
        throw this.asRefConflict(error, ref);
      }
      return this.announce({
        owner,
        repo,
        ref,
        before: current,
        after: ZERO_SHA,
        forced: false,
        pusher: options.pusher,
      });
    });
  }

  /**
   * Announces ref moves made outside the store's own methods (a `git push`
   * over smart HTTP), given snapshots taken before and after.
   */
  async announceExternalRefChanges(
    owner: string,
    repo: string,
    before: RefEntry[],
    after: RefEntry[],
    pusher?: Pusher,
  ): Promise<RefUpdateEvent[]> {
    const gitDir = this.existingRepoDir(owner, repo);
    const oldValues = new Map(before.map(entry => [entry.ref, entry.sha]));
    const newValues = new Map(after.map(entry => [entry.ref, entry.sha]));
    const names = [...new Set([...oldValues.keys(), ...newValues.keys()])].sort();
    const events: RefUpdateEvent[] = [];
    for (const ref of names) {
      const oldSha = oldValues.get(ref) ?? ZERO_SHA;
      const newSha = newValues.get(ref) ?? ZERO_SHA;
      if (oldSha === newSha) continue;
      const forced =
        oldSha !== ZERO_SHA && newSha !== ZERO_SHA && !(await this.isAncestor(gitDir, oldSha, newSha));
      events.push(this.announce({ owner, repo, ref, before: oldSha, after: newSha, forced, pusher }));
    }
    return events;
  }

  onRefUpdate(listener: RefUpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `work` while no other ref-changing store operation runs on this repository. */
  withRepoLock<T>(owner: string, repo: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(this.existingRepoDir(owner, repo), work);
  }

  // ---- objects -----------------------------------------------------------

  async getObjectType(owner: string, repo: string, sha: string): Promise<string | undefined> {
    const gitDir = this.existingRepoDir(owner, repo);
    return this.objectType(gitDir, sha);
  }

  async getCommit(owner: string, repo: string, sha: string): Promise<CommitObject | undefined> {
    const gitDir = this.existingRepoDir(owner, repo);
    if (!isShaLike(sha) || (await this.objectType(gitDir, sha)) !== 'commit') return undefined;
    const full = (await runGitText(['rev-parse', '--verify', `${sha}^{commit}`], { gitDir })).trim();
    const raw = await runGitText(['cat-file', 'commit', full], { gitDir });
    return parseCommitObject(full, raw);
  }

  async readBlob(owner: string, repo: string, sha: string): Promise<Buffer | undefined> {
    const gitDir = this.existingRepoDir(owner, repo);
    if (!isShaLike(sha) || (await this.objectType(gitDir, sha)) !== 'blob') return undefined;
    return (await runGit(['cat-file', 'blob', sha], { gitDir })).stdout;
  }

  async writeBlob(owner: string, repo: string, content: string | Buffer): Promise<string> {
    const gitDir = this.existingRepoDir(owner, repo);
    return this.hashBlob(gitDir, content);
  }

  /** Entries of a tree (by tree or commit sha); recursive listings include sub-trees, like GitHub. */
  async listTree(
    owner: string,
    repo: string,
    treeish: string,
    options: { recursive?: boolean } = {},
  ): Promise<TreeEntry[] | undefined> {
    const gitDir = this.existingRepoDir(owner, repo);
    const type = isShaLike(treeish) ? await this.objectType(gitDir, treeish) : undefined;
    if (type !== 'tree' && type !== 'commit') return undefined;
    const args = ['ls-tree', '-z', '-l', ...(options.recursive ? ['-r', '-t'] : []), treeish];
    return parseLsTree(await runGitText(args, { gitDir }));
  }

  /** The tree entry at `filePath` in a commit, or the root tree for ''. */
  async getPathEntry(
    owner: string,
    repo: string,
    commitSha: string,
    filePath: string,
  ): Promise<TreeEntry | undefined> {
    const gitDir = this.existingRepoDir(owner, repo);
    const normalized = normalizeOptionalRepoPath(filePath);
    if (normalized === '') {
      const commit = await this.getCommit(owner, repo, commitSha);
      return commit ? { mode: '040000', type: 'tree', sha: commit.tree, path: '' } : undefined;
    }
    const output = await runGitText(['ls-tree', '-z', '-l', commitSha, '--', normalized], { gitDir });
    return parseLsTree(output).find(entry => entry.path === normalized);
  }

  /** A file's content at a ref/sha; undefined when the ref, or a file at that path, does not exist. */
  async readFile(owner: string, repo: string, refish: string, filePath: string) {
    const commitSha = await this.resolveCommit(owner, repo, refish);
    if (!commitSha) return undefined;
    const entry = await this.getPathEntry(owner, repo, commitSha, normalizeRepoPath(filePath));
    if (!entry || entry.type !== 'blob') return undefined;
    const content = await this.readBlob(owner, repo, entry.sha);
    return content ? { sha: entry.sha, mode: entry.mode, content, commitSha } : undefined;
  }

  /** Files (recursively) under a directory at a ref/sha, paths relative to the repository root. */
  async readTree(owner: string, repo: string, refish: string, dirPath = '') {
    const commitSha = await this.resolveCommit(owner, repo, refish);
    if (!commitSha) return undefined;
    const entry = await this.getPathEntry(owner, repo, commitSha, dirPath);
    if (!entry || entry.type !== 'tree') return undefined;
    const prefix = entry.path === '' ? '' : `${entry.path}/`;
    const entries = (await this.listTree(owner, repo, entry.sha, { recursive: true })) ?? [];
    return entries.map(child => ({ ...child, path: prefix + child.path }));
  }

  /** Builds a tree from an optional base tree plus changes (GitHub's `POST git/trees` semantics). */
  async createTree(owner: string, repo: string, changes: TreeChange[], baseTree?: string): Promise<string> {
    const gitDir = this.existingRepoDir(owner, repo);
    if (baseTree) await this.requireObject(gitDir, baseTree, 'tree');
    return this.buildTree(gitDir, changes, baseTree);
  }

  async createCommit(owner: string, repo: string, input: CreateCommitInput): Promise<string> {
    const gitDir = this.existingRepoDir(owner, repo);
    await this.requireObject(gitDir, input.tree, 'tree');
    for (const parent of input.parents) await this.requireObject(gitDir, parent, 'commit');
    return this.commitTree(gitDir, input);
  }

  // ---- high-level writes -------------------------------------------------

  /** One commit on `branch` applying the file changes; creates the first commit of an empty branch. */
  async commitFiles(owner: string, repo: string, input: CommitFilesInput): Promise<CommitFilesResult> {
    assertBranchName(input.branch);
    const gitDir = this.existingRepoDir(owner, repo);
    const ref = `refs/heads/${input.branch}`;
    const changes: TreeChange[] = Object.entries(input.changes).map(([filePath, content]) =>
      content === null
        ? { path: filePath, mode: '100644', sha: null }
        : { path: filePath, mode: '100644', content },
    );
    return this.locks.run(gitDir, async () => {
      const before = await this.getRef(owner, repo, ref);
      if (input.expectedHeadSha && before !== input.expectedHeadSha) throw new RefConflictError(ref);
      const baseTree = before ? (await this.getCommit(owner, repo, before))?.tree : undefined;
      const tree = await this.buildTree(gitDir, changes, baseTree);
      const sha = await this.commitTree(gitDir, {
        tree,
        parents: before ? [before] : [],
        message: input.message,
        author: input.author,
        committer: input.committer,
      });
      await this.compareAndSwapRef(gitDir, ref, sha, before ?? ZERO_SHA);
      this.announce({
        owner,
        repo,
        ref,
        before: before ?? ZERO_SHA,
        after: sha,
        forced: false,
        pusher: input.pusher,
      });
      return { sha, before: before ?? ZERO_SHA, tree };
    });
  }

  /** Merges `head` into branch `base`: a merge commit, a squash commit, or a fast-forward. */
  async merge(owner: string, repo: string, input: MergeInput): Promise<MergeResult> {
    assertBranchName(input.base);
    const gitDir = this.existingRepoDir(owner, repo);
    const ref = `refs/heads/${input.base}`;
    return this.locks.run(gitDir, async () => {
      const baseSha = await this.getRef(owner, repo, ref);
      if (!baseSha) throw new RefNotFoundError(ref);
      const headSha = await this.requireCommit(owner, repo, input.head);
      if (input.expectedHeadSha && input.expectedHeadSha !== headSha) {
        throw new RefConflictError(input.head, 'Head branch was modified');
      }
      const method = input.method ?? 'merge';
      let sha: string;
      if (method === 'fast-forward') {
        if (!(await this.isAncestor(gitDir, baseSha, headSha))) {
          throw new MergeConflictError('Base branch cannot be fast-forwarded to head');
        }
        sha = headSha;
      } else {
        const tree = await this.mergeTrees(gitDir, baseSha, headSha);
        sha = await this.commitTree(gitDir, {
          tree,
          parents: method === 'merge' ? [baseSha, headSha] : [baseSha],
          message: input.message,
          author: input.author,
          committer: input.committer,
        });
      }
      await this.compareAndSwapRef(gitDir, ref, sha, baseSha);
      this.announce({ owner, repo, ref, before: baseSha, after: sha, forced: false, pusher: input.pusher });
      return { sha, before: baseSha, fastForward: sha === headSha };
    });
  }

  /** Whether `head` merges into `base` without conflicts. */
  async canMerge(owner: string, repo: string, base: string, head: string): Promise<boolean> {
    const gitDir = this.existingRepoDir(owner, repo);
    const [baseSha, headSha] = [await this.requireCommit(owner, repo, base), await this.requireCommit(owner, repo, head)];
    try {
      await this.mergeTrees(gitDir, baseSha, headSha);
      return true;
    } catch (error) {
      if (error instanceof MergeConflictError) return false;
      throw error;
    }
  }

  // ---- history and diffs ---------------------------------------------------

  async isAncestorOf(owner: string, repo: string, ancestor: string, descendant: string): Promise<boolean> {
    return this.isAncestor(this.existingRepoDir(owner, repo), ancestor, descendant);
  }

  /**
   * GitHub's three-dot compare: files changed on head since the merge base;
   * `aheadBy` is `git rev-list --count base..head`, `behindBy` the reverse,
   * and the status follows from them as GitHub documents it
   * (https://docs.github.com/en/rest/commits/commits#compare-two-commits).
   */
  async compare(owner: string, repo: string, base: string, head: string): Promise<Comparison> {
    const gitDir = this.existingRepoDir(owner, repo);
    const baseSha = await this.requireCommit(owner, repo, base);
    const headSha = await this.requireCommit(owner, repo, head);
    const mergeBase = await runGit(['merge-base', baseSha, headSha], { gitDir, allowedExitCodes: [1] });
    const mergeBaseSha = mergeBase.exitCode === 0 ? mergeBase.stdout.toString('utf8').trim() : undefined;
    const aheadBy = await this.countCommits(gitDir, `${baseSha}..${headSha}`);
    const behindBy = await this.countCommits(gitDir, `${headSha}..${baseSha}`);
    const commits = await this.logCommits(owner, repo, [`${baseSha}..${headSha}`]);
    const files = await this.diffFiles(gitDir, mergeBaseSha ?? (await this.emptyTree(gitDir)), headSha);
    let status: Comparison['status'] = 'diverged';
    if (aheadBy === 0 && behindBy === 0) status = 'identical';
    else if (behindBy === 0) status = 'ahead';
    else if (aheadBy === 0) status = 'behind';
    return { baseSha, headSha, mergeBaseSha, status, aheadBy, behindBy, commits, files };
  }

  /** Changed files between two commits or trees (`git diff from to`). */
  async diff(owner: string, repo: string, from: string, to: string): Promise<ChangedFile[]> {
    const gitDir = this.existingRepoDir(owner, repo);
    return this.diffFiles(
      gitDir,
      await this.requireCommit(owner, repo, from),
      await this.requireCommit(owner, repo, to),
    );
  }

  /** What one commit changed relative to its first parent (everything, for a root commit). */
  async commitChanges(owner: string, repo: string, sha: string): Promise<ChangedFile[]> {
    const gitDir = this.existingRepoDir(owner, repo);
    const commit = await this.getCommit(owner, repo, sha);
    if (!commit) throw new RefNotFoundError(sha);
    return this.diffFiles(gitDir, commit.parents[0] ?? (await this.emptyTree(gitDir)), commit.sha);
  }

  /** Commits for `git rev-list <args>`, oldest first. */
  async logCommits(owner: string, repo: string, revListArgs: string[], limit = 250): Promise<CommitObject[]> {
    const gitDir = this.existingRepoDir(owner, repo);
    const output = await runGitText(
      ['rev-list', '--topo-order', '--reverse', ...revListArgs, '--'],
      { gitDir },
    );
    const shas = output.split('\n').filter(Boolean).slice(-limit);
    const commits: CommitObject[] = [];
    for (const sha of shas) {
      const commit = await this.getCommit(owner, repo, sha);
      if (commit) commits.push(commit);
    }
    return commits;
  }

  /**
   * The commits a push introduced, with the files each one added, removed and
   * modified relative to its first parent (what GitHub's push payload lists).
   * For a new ref, only commits not reachable from any other ref count.
   */
  async commitsForPush(owner: string, repo: string, event: Pick<RefUpdateEvent, 'ref' | 'before' | 'after'>, limit = 20): Promise<PushCommit[]> {
    if (event.after === ZERO_SHA) return [];
    const gitDir = this.existingRepoDir(owner, repo);
    let range: string[];
    if (event.before === ZERO_SHA) {
      const others = (await this.listRefs(owner, repo))
        .filter(entry => entry.ref !== event.ref)
        .map(entry => entry.sha);
      range = [event.after, ...(others.length > 0 ? ['--not', ...others] : [])];
    } else {
      range = [`${event.before}..${event.after}`];
    }
    const commits = await this.logCommits(owner, repo, range, limit);
    const result: PushCommit[] = [];
    for (const commit of commits) {
      const args = commit.parents.length > 0
        ? ['diff-tree', '-r', '-z', '--name-status', '--no-commit-id', commit.parents[0], commit.sha]
        : ['diff-tree', '-r', '-z', '--name-status', '--no-commit-id', '--root', commit.sha];
      result.push({ ...commit, ...parseNameStatus(await runGitText(args, { gitDir })) });
    }
    return result;
  }

  // ---- internals -----------------------------------------------------------

  private existingRepoDir(owner: string, repo: string): string {
    const dir = this.repoDir(owner, repo);
    if (!fs.existsSync(path.join(dir, 'HEAD'))) throw new RepoNotFoundError(owner, repo);
    return dir;
  }

  private announce(event: RefUpdateEvent): RefUpdateEvent {
    for (const listener of this.listeners) {
      try {
        Promise.resolve(listener(event)).catch(() => undefined);
      } catch {
        // A failing listener must not undo or fail the ref update that already happened.
      }
    }
    return event;
  }

  private async objectType(gitDir: string, sha: string): Promise<string | undefined> {
    if (!isShaLike(sha)) return undefined;
    const result = await runGit(['cat-file', '-t', sha], { gitDir, allowedExitCodes: [1, 128] });
    return result.exitCode === 0 ? result.stdout.toString('utf8').trim() : undefined;
  }

  private async requireObject(gitDir: string, sha: string, type?: string): Promise<void> {
    if (!isFullSha(sha)) throw new InvalidGitInputError('sha', `Invalid sha: ${sha}`);
    const actual = await this.objectType(gitDir, sha);
    if (!actual || (type && actual !== type)) throw new ObjectNotFoundError(sha, type);
  }

  private async isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
    const result = await runGit(['merge-base', '--is-ancestor', ancestor, descendant], {
      gitDir,
      allowedExitCodes: [1],
    });
    return result.exitCode === 0;
  }

  private async countCommits(gitDir: string, range: string): Promise<number> {
    return Number((await runGitText(['rev-list', '--count', range, '--'], { gitDir })).trim());
  }

  private async emptyTree(gitDir: string): Promise<string> {
    return (await runGitText(['hash-object', '-t', 'tree', '-w', '--stdin'], { gitDir, input: '' })).trim();
  }

  private async compareAndSwapRef(gitDir: string, ref: string, newSha: string, oldSha: string) {
    try {
      await runGit(['update-ref', ref, newSha, oldSha], { gitDir });
    } catch (error) {
      throw this.asRefConflict(error, ref);
    }
  }

  private asRefConflict(error: unknown, ref: string): unknown {
    return error instanceof GitCommandError ? new RefConflictError(ref) : error;
  }

  private async hashBlob(gitDir: string, content: string | Buffer): Promise<string> {
    return (await runGitText(['hash-object', '-w', '--stdin'], { gitDir, input: content })).trim();
  }

  private async buildTree(gitDir: string, changes: TreeChange[], baseTree?: string): Promise<string> {
    const normalized = changes.map(change => ({ ...change, path: normalizeRepoPath(change.path) }));
    for (const change of normalized) {
      if (!VALID_MODES.has(change.mode)) {
        throw new InvalidGitInputError('mode', `Invalid mode ${change.mode} for ${change.path}`);
      }
      if (change.sha && change.content !== undefined) {
        throw new InvalidGitInputError('content', `Both sha and content given for ${change.path}`);
      }
      if (change.sha && change.mode !== '160000') {
        // Submodule entries point at commits of another repository, so only they may be absent.
        await this.requireObject(gitDir, change.sha, change.mode === '040000' ? 'tree' : 'blob');
      } else if (change.sha === undefined && change.content === undefined) {
        throw new InvalidGitInputError('sha', `Neither sha nor content given for ${change.path}`);
      }
    }
    const tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'gort-index-'));
    const env = { GIT_INDEX_FILE: path.join(tempDir, 'index') };
    try {
      await runGit(baseTree ? ['read-tree', baseTree] : ['read-tree', '--empty'], { gitDir, env });
      const indexed = await runGitText(['ls-files', '-z', '--stage'], { gitDir, env });
      const existingPaths = indexed.split('\0').filter(Boolean).map(line => line.slice(line.indexOf('\t') + 1));
      // Everything at or below a changed path goes first, so a tree may replace a file and vice versa.
      const removals = new Set<string>();
      for (const change of normalized) {
        for (const existing of existingPaths) {
          if (existing === change.path || existing.startsWith(`${change.path}/`)) removals.add(existing);
        }
      }
      if (removals.size > 0) {
        const input = [...removals].map(p => `0 ${ZERO_SHA}\t${p}\0`).join('');
        await runGit(['update-index', '-z', '--index-info'], { gitDir, env, input });
      }
      const additions: string[] = [];
      for (const change of normalized) {
        if (change.sha === null) continue;
        if (change.mode === '040000') {
          await runGit(['read-tree', `--prefix=${change.path}/`, change.sha!], { gitDir, env });
          continue;
        }
        const sha = change.sha ?? (await this.hashBlob(gitDir, change.content!));
        additions.push(`${change.mode} ${sha}\t${change.path}\0`);
      }
      if (additions.length > 0) {
        await runGit(['update-index', '--replace', '-z', '--index-info'], {
          gitDir,
          env,
          input: additions.join(''),
        });
      }
      return (await runGitText(['write-tree'], { gitDir, env })).trim();
    } finally {
      await fsp.rm(tempDir, { recursive: true, force: true });
    }
  }

  private async commitTree(gitDir: string, input: CreateCommitInput): Promise<string> {
    const committer = input.committer ?? input.author;
    assertIdentity(input.author);
    assertIdentity(committer);
    const args = ['commit-tree', input.tree];
    for (const parent of input.parents) args.push('-p', parent);
    args.push('-F', '-');
    const output = await runGitText(args, {
      gitDir,
      input: input.message.endsWith('\n') ? input.message : `${input.message}\n`,
      env: {
        GIT_AUTHOR_NAME: input.author.name,
        GIT_AUTHOR_EMAIL: input.author.email,
        GIT_AUTHOR_DATE: gitDate(input.author.date),
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
        GIT_COMMITTER_DATE: gitDate(committer.date),
      },
    });
    return output.trim();
  }

  /** Tree of merging two commits, computed without a work tree (`git merge-tree --write-tree`). */
  private async mergeTrees(gitDir: string, baseSha: string, headSha: string): Promise<string> {
    const result = await runGit(['merge-tree', '--write-tree', '--no-messages', baseSha, headSha], {
      gitDir,
      allowedExitCodes: [1],
    });
    if (result.exitCode === 1) throw new MergeConflictError();
    return result.stdout.toString('utf8').split('\n')[0].trim();
  }

  private async diffFiles(gitDir: string, from: string, to: string): Promise<ChangedFile[]> {
    const common = ['-M', '--no-color', '--no-ext-diff', '--no-textconv', from, to, '--'];
    const raw = await runGitText(['diff', '--raw', '-z', '--no-abbrev', ...common], { gitDir });
    const numstat = await runGitText(['diff', '--numstat', '-z', ...common], { gitDir });
    const patch = await runGitText(['diff', '--patch', ...common], { gitDir });
    return combineDiff(raw, numstat, patch);
  }
}

function gitDate(date: Date | string | undefined): string {
  const value = date === undefined ? new Date() : new Date(date);
  const time = Number.isNaN(value.getTime()) ? Date.now() : value.getTime();
  return `@${Math.floor(time / 1000)} +0000`;
}
