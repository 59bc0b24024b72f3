import type {
  ScmComment,
  ScmCommit,
  ScmCommitComparison,
  ScmCommitFilesInput,
  ScmDiffFile,
  ScmPullRequest,
  ScmRepository,
} from '@gort-backstage/plugin-gort-node';
import type { GitHubOctokit } from './createGitHubClient';

const MARKER = /^[A-Za-z0-9:._/-]+$/;

/** The hidden line that marks a comment, invisible when GitHub renders Markdown. */
export function hiddenMarker(marker: string): string {
  if (!MARKER.test(marker)) throw new Error(`Invalid comment marker "${marker}": use letters, digits and :._/-`);
  return `<!-- ${marker} -->`;
}

function isNotFound(error: unknown): boolean {
  return (error as { status?: number })?.status === 404;
}

function prStateOf(pull: { merged_at?: string | null; state?: string }): ScmPullRequest['state'] {
  if (pull.merged_at) return 'merged';
  return pull.state === 'open' ? 'open' : 'closed';
}

function toPullRequest(pull: any): ScmPullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    state: prStateOf(pull),
    headRef: pull.head?.ref,
    headSha: pull.head?.sha,
    mergeCommitSha: pull.merge_commit_sha ?? undefined,
  };
}

/** GORT's SCM port on one GitHub repository, through the REST API. */
export class GitHubRepo implements ScmRepository {
  constructor(
    readonly octokit: GitHubOctokit,
    readonly owner: string,
    readonly repo: string,
  ) {}

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  private get base() {
    return { owner: this.owner, repo: this.repo };
  }

  /** A file's text at a commit, or undefined when it does not exist there. */
  async readFile(path: string, ref: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({ ...this.base, path, ref });
      if (Array.isArray(data) || data.type !== 'file') return undefined;
      const file = data as { content?: string; encoding?: string };
      return Buffer.from(file.content ?? '', (file.encoding as BufferEncoding) ?? 'base64').toString('utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Every file path at a commit (recursive tree). */
  async listFiles(ref: string): Promise<string[]> {
    const { data } = await this.octokit.rest.git.getTree({ ...this.base, tree_sha: ref, recursive: 'true' });
    return data.tree.filter(entry => entry.type === 'blob' && entry.path).map(entry => entry.path!);
  }

  /** The files a push changed (`before...after`), with their patches. */
  async compare(before: string, after: string): Promise<ScmDiffFile[]> {
    const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({ ...this.base, basehead: `${before}...${after}` });
    return (data.files ?? []).map(file => ({
      path: file.filename,
      previousPath: file.previous_filename,
      status: file.status,
      patch: file.patch,
    }));
  }

  /**
   * `GET /repos/{owner}/{repo}/compare/{base}...{head}`: status and
   * ahead/behind counts (one commit per page: the list is not needed).
   * https://docs.github.com/en/rest/commits/commits#compare-two-commits
   */
  async compareCommits(base: string, head: string): Promise<ScmCommitComparison> {
    const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({ ...this.base, basehead: `${base}...${head}`, per_page: 1 });
    if (!['ahead', 'behind', 'identical', 'diverged'].includes(data.status)) {
      throw new Error(`GitHub compare of ${base.slice(0, 7)}...${head.slice(0, 7)} answered an unknown status "${data.status}"`);
    }
    return { status: data.status as ScmCommitComparison['status'], aheadBy: data.ahead_by, behindBy: data.behind_by };
  }

  async getCommit(sha: string): Promise<ScmCommit> {
    const { data } = await this.octokit.rest.git.getCommit({ ...this.base, commit_sha: sha });
    return { sha: data.sha, message: data.message, parents: data.parents.map(p => p.sha) };
  }

  async getBranchHead(branch: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.git.getRef({ ...this.base, ref: `heads/${branch}` });
      return data.object.sha;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * One commit with `files` on top of `parent`'s tree (`treeBase`), then
   * the branch is created at it or moved to it (fast-forward).
   */
  async commitFiles(input: ScmCommitFilesInput): Promise<string> {
    const baseCommit = await this.octokit.rest.git.getCommit({ ...this.base, commit_sha: input.treeBase });
    const tree = [];
    for (const [path, content] of Object.entries(input.files)) {
      const blob = await this.octokit.rest.git.createBlob({ ...this.base, content: Buffer.from(content).toString('base64'), encoding: 'base64' });
      tree.push({ path, mode: '100644' as const, type: 'blob' as const, sha: blob.data.sha });
    }
    const newTree = await this.octokit.rest.git.createTree({ ...this.base, base_tree: baseCommit.data.tree.sha, tree });
    const commit = await this.octokit.rest.git.createCommit({ ...this.base, message: input.message, tree: newTree.data.sha, parents: [input.parent] });
    const existing = await this.getBranchHead(input.branch);
    if (existing === undefined) {
      await this.octokit.rest.git.createRef({ ...this.base, ref: `refs/heads/${input.branch}`, sha: commit.data.sha });
    } else {
      await this.octokit.rest.git.updateRef({ ...this.base, ref: `heads/${input.branch}`, sha: commit.data.sha, force: false });
    }
    return commit.data.sha;
  }

  async defaultBranch(): Promise<string> {
    const { data } = await this.octokit.rest.repos.get(this.base);
    return data.default_branch;
  }

  async createPullRequest(input: { title: string; body: string; head: string; base: string; labels: string[] }): Promise<ScmPullRequest> {
    const { data } = await this.octokit.rest.pulls.create({ ...this.base, title: input.title, body: input.body, head: input.head, base: input.base });
    if (input.labels.length) {
      await this.octokit.rest.issues.addLabels({ ...this.base, issue_number: data.number, labels: input.labels });
    }
    return toPullRequest(data);
  }

  async updatePullRequest(number: number, input: { title: string; body: string }): Promise<ScmPullRequest> {
    const { data } = await this.octokit.rest.pulls.update({ ...this.base, pull_number: number, title: input.title, body: input.body });
    return toPullRequest(data);
  }

  async getPullRequest(number: number): Promise<ScmPullRequest | undefined> {
    try {
      const { data } = await this.octokit.rest.pulls.get({ ...this.base, pull_number: number });
      return toPullRequest(data);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async findCommitComment(sha: string, marker: string): Promise<string | undefined> {
    const comments = await this.octokit.paginate(this.octokit.rest.repos.listCommentsForCommit, { ...this.base, commit_sha: sha, per_page: 100 });
    return comments.find(comment => comment.body?.includes(marker))?.html_url;
  }

  async commentOnPullRequest(number: number, body: string): Promise<void> {
    await this.octokit.rest.issues.createComment({ ...this.base, issue_number: number, body });
  }

  async findOpenPullRequest(branch: string): Promise<ScmPullRequest | undefined> {
    const { data } = await this.octokit.rest.pulls.list({ ...this.base, state: 'open', head: `${this.owner}:${branch}`, per_page: 1 });
    return data.length ? toPullRequest(data[0]) : undefined;
  }

  async upsertPullRequestComment(number: number, marker: string, body: string): Promise<ScmComment> {
    const hidden = hiddenMarker(marker);
    const text = `${hidden}\n${body}`;
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, { ...this.base, issue_number: number, per_page: 100 });
    const existing = comments.find(comment => comment.body?.includes(hidden));
    if (existing) {
      const { data } = await this.octokit.rest.issues.updateComment({ ...this.base, comment_id: existing.id, body: text });
      return { url: data.html_url, created: false };
    }
    const { data } = await this.octokit.rest.issues.createComment({ ...this.base, issue_number: number, body: text });
    return { url: data.html_url, created: true };
  }

  async commentOnCommit(sha: string, body: string): Promise<string> {
    const { data } = await this.octokit.rest.repos.createCommitComment({ ...this.base, commit_sha: sha, body });
    return data.html_url;
  }
}
