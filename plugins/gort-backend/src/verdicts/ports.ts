import type { RepoRef } from '@gort-backstage/plugin-gort-common';
import type { CommitStatusState, CommitVerdict } from './verdictMapping';
import type { VerdictChannelKind } from './VerdictCheckStore';

/** Where verdicts go on one repository: check runs (GitHub App) or commit statuses (token). */
export interface CommitVerdictClient {
  /** `check-run` when authenticated as a GitHub App installation, else `status`. */
  readonly channel: VerdictChannelKind;
  /** The id of the check run named `name` on `sha` whose external id is `externalId`, if any. */
  findCheckRun(sha: string, name: string, externalId: string): Promise<number | undefined>;
  createCheckRun(input: { sha: string; name: string; externalId: string; detailsUrl: string; verdict: CommitVerdict }): Promise<number>;
  updateCheckRun(checkRunId: number, input: { detailsUrl: string; verdict: CommitVerdict }): Promise<void>;
  setStatus(input: { sha: string; context: string; state: CommitStatusState; description: string; targetUrl: string }): Promise<void>;
  /** Numbers of the merged pull requests whose merge produced `sha`. */
  mergedPullRequestsOf(sha: string): Promise<number[]>;
  /** The one comment with `marker` on a pull request, created or edited in place. */
  upsertPullRequestComment(number: number, marker: string, body: string): Promise<void>;
}

export type CommitVerdictClientFactory = (repo: RepoRef) => Promise<CommitVerdictClient>;

/** What the catalog says about an entity, for switches and recipients. */
export interface VerdictEntityInfo {
  annotations: Record<string, string>;
  /** `spec.owner` as an entity ref, when set. */
  owner?: string;
}

export type VerdictEntityLookup = (entityRef: string) => Promise<VerdictEntityInfo | undefined>;
