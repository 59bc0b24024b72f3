import type { GitRepoStore } from '@gort-backstage/sandbox';
import type {
  GortScmProvider,
  ScmComment,
  ScmCommit,
  ScmCommitFilesInput,
  ScmDiffFile,
  ScmPullRequest,
  ScmRepository,
  ScmRepositoryRef,
} from '@gort-backstage/plugin-gort-node';

export interface RecordedPullRequest extends ScmPullRequest {
  repo: string;
  title: string;
  body: string;
  base: string;
  labels: string[];
  comments: string[];
  /** Marker → comment index in `comments`. */
  marked: Record<string, number>;
}

const AUTHOR = { name: 'GORT', email: 'gort@example.test' };

class GitStoreRepository implements ScmRepository {
  readonly fullName: string;

  constructor(
    private readonly scm: GitStoreScm,
    private readonly store: GitRepoStore,
    private readonly ref: ScmRepositoryRef,
    private readonly webBaseUrl: string,
  ) {
    this.fullName = `${ref.owner}/${ref.repo}`;
  }

  async readFile(path: string, ref: string): Promise<string | undefined> {
    const file = await this.store.readFile(this.ref.owner, this.ref.repo, ref, path);
    return file?.content.toString('utf8');
  }

  async listFiles(ref: string): Promise<string[]> {
    const entries = (await this.store.readTree(this.ref.owner, this.ref.repo, ref)) ?? [];
    return entries.filter(entry => entry.type === 'blob').map(entry => entry.path);
  }

  async compare(before: string, after: string): Promise<ScmDiffFile[]> {
    const files = await this.store.diff(this.ref.owner, this.ref.repo, before, after);
    return files.map(file => ({ path: file.filename, previousPath: file.previousFilename, status: file.status, patch: file.patch }));
  }

  async getCommit(sha: string): Promise<ScmCommit> {
    const commit = await this.store.getCommit(this.ref.owner, this.ref.repo, sha);
    if (!commit) throw new Error(`No commit ${sha} in ${this.fullName}`);
    return { sha: commit.sha, message: commit.message, parents: commit.parents };
  }

  async getBranchHead(branch: string): Promise<string | undefined> {
    return this.store.getRef(this.ref.owner, this.ref.repo, `refs/heads/${branch}`);
  }

  async commitFiles(input: ScmCommitFilesInput): Promise<string> {
    const { owner, repo } = this.ref;
    const base = await this.getCommitObject(input.treeBase);
    const tree = await this.store.createTree(
      owner,
      repo,
      Object.entries(input.files).map(([path, content]) => ({ path, mode: '100644', content })),
      base.tree,
    );
    const sha = await this.store.createCommit(owner, repo, { tree, parents: [input.parent], message: input.message, author: AUTHOR });
    await this.store.updateRef(owner, repo, `refs/heads/${input.branch}`, sha);
    return sha;
  }

  async defaultBranch(): Promise<string> {
    return this.store.getDefaultBranch(this.ref.owner, this.ref.repo);
  }

  async createPullRequest(input: { title: string; body: string; head: string; base: string; labels: string[] }): Promise<ScmPullRequest> {
    const number = this.scm.pulls.length + 1;
    const pull: RecordedPullRequest = {
      ...input,
      repo: this.fullName,
      number,
      url: `${this.webBaseUrl}/${this.fullName}/merge_requests/${number}`,
      state: 'open',
      headRef: input.head,
      headSha: (await this.getBranchHead(input.head)) ?? '',
      comments: [],
      marked: {},
    };
    this.scm.pulls.push(pull);
    return pull;
  }

  async updatePullRequest(number: number, input: { title: string; body: string }): Promise<ScmPullRequest> {
    const pull = this.pull(number);
    Object.assign(pull, input, { headSha: (await this.getBranchHead(pull.headRef)) ?? pull.headSha });
    return pull;
  }

  async getPullRequest(number: number): Promise<ScmPullRequest | undefined> {
    return this.scm.pulls.find(p => p.repo === this.fullName && p.number === number);
  }

  async commentOnPullRequest(number: number, body: string): Promise<void> {
    this.pull(number).comments.push(body);
  }

  async findOpenPullRequest(branch: string): Promise<ScmPullRequest | undefined> {
    return this.scm.pulls.find(p => p.repo === this.fullName && p.state === 'open' && p.headRef === branch);
  }

  async upsertPullRequestComment(number: number, marker: string, body: string): Promise<ScmComment> {
    const pull = this.pull(number);
    const existing = pull.marked[marker];
    if (existing !== undefined) pull.comments[existing] = body;
    else pull.marked[marker] = pull.comments.push(body) - 1;
    const index = pull.marked[marker];
    return { url: `${pull.url}#note-${index + 1}`, created: existing === undefined };
  }

  async commentOnCommit(sha: string, body: string): Promise<string> {
    this.scm.commitComments.push({ repo: this.fullName, sha, body });
    return `${this.webBaseUrl}/${this.fullName}/commit/${sha}#comment-${this.scm.commitComments.length}`;
  }

  async findCommitComment(sha: string, marker: string): Promise<string | undefined> {
    const index = this.scm.commitComments.findIndex(c => c.repo === this.fullName && c.sha === sha && c.body.includes(marker));
    return index < 0 ? undefined : `${this.webBaseUrl}/${this.fullName}/commit/${sha}#comment-${index + 1}`;
  }

  private pull(number: number): RecordedPullRequest {
    const pull = this.scm.pulls.find(p => p.repo === this.fullName && p.number === number);
    if (!pull) throw new Error(`No merge request ${number} in ${this.fullName}`);
    return pull;
  }

  private async getCommitObject(sha: string) {
    const commit = await this.store.getCommit(this.ref.owner, this.ref.repo, sha);
    if (!commit) throw new Error(`No commit ${sha} in ${this.fullName}`);
    return commit;
  }
}

/**
 * An SCM other than GitHub, as a module would add it: reads and pushes go to
 * the sandbox's bare git repositories directly, and pull requests are kept
 * in memory with web URLs of its own, so a test can tell they came from here.
 */
export class GitStoreScm implements GortScmProvider {
  readonly pulls: RecordedPullRequest[] = [];
  readonly commitComments: Array<{ repo: string; sha: string; body: string }> = [];

  constructor(
    readonly id: string,
    private readonly store: GitRepoStore,
    private readonly webBaseUrl: string,
  ) {}

  async repository(ref: ScmRepositoryRef): Promise<ScmRepository> {
    return new GitStoreRepository(this, this.store, ref, this.webBaseUrl);
  }
}
