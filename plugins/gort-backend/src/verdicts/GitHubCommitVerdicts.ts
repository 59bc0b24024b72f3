import type { RepoRef } from '@gort-backstage/plugin-gort-common';
import type { GitHubClientFactory, GitHubOctokit } from '../scm/github/createGitHubClient';
import { GitHubRepo } from '../scm/github/GitHubRepo';
import type { CommitVerdictClient, CommitVerdictClientFactory } from './ports';
import type { CommitStatusState, CommitVerdict } from './verdictMapping';

/**
 * Check runs (https://docs.github.com/en/rest/checks/runs) and commit
 * statuses (https://docs.github.com/en/rest/commits/statuses) through Octokit,
 * whose throttling plugin queues writes (GitHub's secondary limit is about
 * 80 content-creating requests a minute).
 */
export class GitHubCommitVerdicts implements CommitVerdictClient {
  private readonly repo: GitHubRepo;

  constructor(
    private readonly octokit: GitHubOctokit,
    private readonly ref: RepoRef,
    readonly channel: 'check-run' | 'status',
  ) {
    this.repo = new GitHubRepo(octokit, ref.owner, ref.repo);
  }

  private get base() {
    return { owner: this.ref.owner, repo: this.ref.repo };
  }

  async findCheckRun(sha: string, name: string, externalId: string): Promise<number | undefined> {
    const { data } = await this.octokit.rest.checks.listForRef({ ...this.base, ref: sha, check_name: name, filter: 'all', per_page: 100 });
    return data.check_runs.find(run => run.external_id === externalId)?.id;
  }

  private output(verdict: CommitVerdict) {
    return { title: verdict.title.slice(0, 255), summary: verdict.summary };
  }

  async createCheckRun(input: { sha: string; name: string; externalId: string; detailsUrl: string; verdict: CommitVerdict }): Promise<number> {
    const { verdict } = input;
    const { data } = await this.octokit.rest.checks.create({
      ...this.base,
      name: input.name,
      head_sha: input.sha,
      external_id: input.externalId,
      details_url: input.detailsUrl,
      ...(verdict.status === 'completed' ? { conclusion: verdict.conclusion } : { status: 'in_progress' as const }),
      output: this.output(verdict),
    });
    return data.id;
  }

  async updateCheckRun(checkRunId: number, input: { detailsUrl: string; verdict: CommitVerdict }): Promise<void> {
    const { verdict } = input;
    await this.octokit.rest.checks.update({
      ...this.base,
      check_run_id: checkRunId,
      details_url: input.detailsUrl,
      ...(verdict.status === 'completed' ? { conclusion: verdict.conclusion } : { status: 'in_progress' as const }),
      output: this.output(verdict),
    });
  }

  async setStatus(input: { sha: string; context: string; state: CommitStatusState; description: string; targetUrl: string }): Promise<void> {
    await this.octokit.rest.repos.createCommitStatus({
      ...this.base,
      sha: input.sha,
      state: input.state,
      context: input.context,
      description: input.description,
      target_url: input.targetUrl,
    });
  }

  async mergedPullRequestsOf(sha: string): Promise<number[]> {
    const { data } = await this.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...this.base, commit_sha: sha, per_page: 100 });
    return data.filter(pull => pull.merged_at && pull.merge_commit_sha === sha).map(pull => pull.number);
  }

  async upsertPullRequestComment(number: number, marker: string, body: string): Promise<void> {
    await this.repo.upsertPullRequestComment(number, marker, body);
  }
}

const CLIENT_TTL_MS = 10 * 60 * 1000;

/**
 * One client per repository, kept for ten minutes so that the throttling
 * plugin's write queue is shared by every verdict posted there.
 */
export function gitHubCommitVerdictClients(factory: GitHubClientFactory, now: () => number = Date.now): CommitVerdictClientFactory {
  const cache = new Map<string, { client: Promise<CommitVerdictClient>; at: number }>();
  return async ref => {
    const key = `${ref.owner}/${ref.repo}`.toLowerCase();
    const cached = cache.get(key);
    if (cached && now() - cached.at < CLIENT_TTL_MS) return cached.client;
    const client = factory
      .clientFor(ref.owner, ref.repo)
      .then(({ octokit, credentialType }) => new GitHubCommitVerdicts(octokit, ref, credentialType === 'app' ? 'check-run' : 'status'));
    cache.set(key, { client, at: now() });
    client.catch(() => cache.delete(key));
    return client;
  };
}
