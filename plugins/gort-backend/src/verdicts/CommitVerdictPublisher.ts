import type { LoggerService } from '@backstage/backend-plugin-api';
import { ANNOTATION_VERDICTS, Run, RunSummary } from '@gort-backstage/plugin-gort-common';
import { entityPageUrl } from '../fixpr/prContent';
import type { RunStore } from '../database/RunStore';
import type { RunLifecycle, RunLifecycleEvent } from '../runs/RunLifecycle';
import { isLeaseLost, SideEffectGuard } from '../runs/ports';
import { Coalescer } from './Coalescer';
import type { CommitVerdictClient, CommitVerdictClientFactory, VerdictEntityLookup } from './ports';
import type { ChecksConfig } from './readVerdictConfig';
import { CHECKS_OFF, NEVER_POSTED, VerdictCheckKey, VerdictCheckStore } from './VerdictCheckStore';
import {
  AGGREGATE_CHECK_NAME,
  aggregateVerdictOf,
  checkName,
  CommitVerdict,
  commitStatusOf,
  isFinished,
  postedKey,
  statusDescription,
  verdictOf,
} from './verdictMapping';

type Target =
  | { kind: 'run'; runId: string }
  | { kind: 'commit'; repo: string; sha: string };

/** Thrown while another replica is still creating the check: try again shortly. */
class CheckNotReady extends Error {
  readonly name = 'CheckNotReady';
}

const MAX_RUNS_PER_COMMIT = 1000;
/** How long a new check waits for its first stage update (never longer than the update interval). */
const FIRST_UPDATE_DELAY_MS = 1000;
const NOT_READY_RETRIES = 10;
/** A claim this old without a check-run id belongs to a process that died (or failed): take the creation over. */
const STALE_CLAIM_MS = 60_000;
/** How far back the catch-up looks for finished runs whose checks do not show them. */
const CATCH_UP_LOOK_BACK_MS = 6 * 60 * 60_000;
const CATCH_UP_BATCH = 100;
const UNFENCED: SideEffectGuard = async () => undefined;

export interface CommitVerdictPublisherOptions {
  runStore: RunStore;
  store: VerdictCheckStore;
  clients: CommitVerdictClientFactory;
  entities: VerdictEntityLookup;
  config: ChecksConfig;
  appBaseUrl: string;
  logger: LoggerService;
  /** How long a replica waits for another one's check to be created before retrying later. */
  retryDelayMs?: number;
}

export function runPageUrl(appBaseUrl: string, entityRef: string, runId: string): string {
  return `${entityPageUrl(appBaseUrl, entityRef)}/runs/${encodeURIComponent(runId)}`;
}

/** The clusters a run's check is split by: none (one check) unless its objects are on several. */
export function clustersOf(run: Pick<Run, 'objects'>): string[] {
  const names = [...new Set(run.objects.map(o => o.cluster ?? ''))];
  return names.length > 1 ? names : [''];
}

function splitRepo(fullName: string) {
  const [owner, repo] = fullName.split('/');
  return { owner, repo };
}

/**
 * Follows run lifecycle events and shows each run on its pushed commit: a
 * check run per entity (and cluster) when GORT authenticates as a GitHub
 * App, a commit status with a token only, and one aggregate check above
 * `aggregateAbove` entities per commit. Updates are coalesced per check;
 * the stored (run, cluster) key makes retries, redeliveries and replicas
 * find the existing check instead of making another.
 */
export class CommitVerdictPublisher {
  private readonly coalescer: Coalescer<Target>;
  private readonly retries = new Map<string, number>();
  /** Per check: the lease fence of the latest change it shows (none for changes made without a lease). */
  private readonly fences = new Map<string, SideEffectGuard | undefined>();
  private unsubscribe?: () => void;

  constructor(private readonly options: CommitVerdictPublisherOptions) {
    this.coalescer = new Coalescer<Target>(async (_key, target) => {
      await this.publish(target);
    }, {
      minIntervalMs: options.config.updateIntervalMs,
      // A run superseded or finished within this posts only its final check,
      // not a "queued" one first (a burst of pushes supersedes most runs at once).
      firstDelayMs: Math.min(FIRST_UPDATE_DELAY_MS, options.config.updateIntervalMs),
      onError: (key, error) => this.failed(key, error),
    });
  }

  follow(lifecycle: RunLifecycle): void {
    this.unsubscribe = lifecycle.subscribe(event => this.onEvent(event));
  }

  stop(): void {
    this.unsubscribe?.();
    this.coalescer.stop();
  }

  /** Resolves when every queued publication was made (tests). */
  idle(): Promise<void> {
    return this.coalescer.idle();
  }

  /**
   * Queues the run's check; nothing is read until it is published, so the
   * changes of a run within one interval (created, then superseded by the
   * next push of a burst) cost one read of the run and its commit.
   */
  onEvent(event: RunLifecycleEvent): void {
    if (!this.options.config.enabled) return;
    const target: Target = { kind: 'run', runId: event.runId };
    this.fences.set(keyOf(target), event.fence);
    this.coalescer.submit(
      keyOf(target),
      target,
      isFinished({ state: event.state }),
    );
  }

  private async runsOfCommit(repo: string, sha: string): Promise<RunSummary[]> {
    const runs: RunSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.runStore.listRuns({ sha, limit: 200, cursor });
      runs.push(...page.items.filter(r => r.repo.toLowerCase() === repo.toLowerCase()));
      cursor = page.nextCursor;
    } while (cursor && runs.length < MAX_RUNS_PER_COMMIT);
    // The latest run of each entity stands for it.
    const latest = new Map<string, RunSummary>();
    for (const run of runs) if (!latest.has(run.entityRef)) latest.set(run.entityRef, run);
    return [...latest.values()];
  }

  /**
   * Posts the verdicts of runs finished more than `catchUpAfter` ago that no
   * check shows: the replica that finished one stopped before writing it,
   * GitHub kept failing past the client's retries, or a check's creation
   * died without an answer. The newest first, one at a time, skipping the runs this
   * replica is publishing now. Returns what it found and what it wrote.
   */
  async catchUp(options: { now?: Date; signal?: AbortSignal } = {}): Promise<{ found: number; posted: number }> {
    const now = (options.now ?? new Date()).getTime();
    const runIds = await this.options.store.finishedRunsNotShown({
      after: new Date(now - CATCH_UP_LOOK_BACK_MS),
      before: new Date(now - this.options.config.catchUpAfterMs),
      limit: CATCH_UP_BATCH,
    });
    let posted = 0;
    const failed: string[] = [];
    // The runs finished before this: a claim older is not a creation under way.
    const catchUp = { aggregates: new Set<string>(), claimsStaleBefore: now - this.options.config.catchUpAfterMs };
    for (const runId of runIds) {
      if (options.signal?.aborted) break;
      const target: Target = { kind: 'run', runId };
      if (this.coalescer.has(keyOf(target))) continue;
      try {
        if (await this.publish(target, { catchUp })) posted++;
      } catch (error) {
        // another replica creating the check now: the next pass looks again
        if ((error as Error)?.name !== 'CheckNotReady') failed.push(`${runId}: ${error}`);
      }
    }
    if (posted > 0) {
      this.options.logger.info(`GORT posted the verdicts of ${posted} finished run(s) whose checks did not show them (${runIds.length} found)`);
    }
    if (failed.length > 0) {
      // one line per pass: a repository GitHub refuses would otherwise log every run, every pass
      this.options.logger.warn(`GORT could not post the verdicts of ${failed.length} finished run(s) to GitHub (catch-up, retried next pass); first: ${failed[0]}`);
    }
    return { found: runIds.length, posted };
  }

  /**
   * Writes one check. Every GitHub write (check run created or updated,
   * status set, verdict comment) first passes the lease fence of the change
   * it shows: a replica whose last renewal is older than half the lease
   * writes nothing (issue #12); the replica that holds the run now writes it.
   * A run read finished is written unfenced. With `catchUp` (runs the
   * database has finished, so unfenced), an aggregate check is written here rather than queued (once per
   * commit and pass), and a run whose entity has checks off is marked so it
   * is not looked at again. Returns whether it wrote to GitHub.
   */
  private async publish(target: Target, mode: { catchUp?: { aggregates: Set<string>; claimsStaleBefore: number } } = {}): Promise<boolean> {
    const claimsStaleBefore = mode.catchUp?.claimsStaleBefore;
    const fence = this.fences.get(keyOf(target));
    const fenced: SideEffectGuard = async what => fence?.(what);
    if (target.kind === 'commit') {
      return await this.publishAggregate(target.repo, target.sha, fenced, claimsStaleBefore);
    }
    // a check shows the run's state and verdicts, never its timeline
    const found = await this.options.runStore.getRunForCheck(target.runId);
    if (!found) return false;
    const { run, commitEntities } = found;
    // What is read is what is posted: a finished run's verdict is the database's (its final
    // transition was the fence), whichever change, fenced or not, asked for this publication.
    const guard = isFinished(run) ? UNFENCED : fenced;
    const entity = await this.options.entities(run.entityRef);
    const annotation =
      entity?.annotations[ANNOTATION_VERDICTS]?.trim().toLowerCase();
    if (annotation === 'off') {
      if (mode.catchUp) await this.options.store.claim({ runId: run.id, cluster: '', repo: run.repo, sha: run.sha, name: checkName(run.entityRef), channel: 'check-run', lastPosted: CHECKS_OFF });
      return false;
    }
    let wrote = false;
    if (commitEntities > this.options.config.aggregateAbove) {
      const aggregate: Target = {
        kind: 'commit',
        repo: run.repo,
        sha: run.sha,
      };
      if (mode.catchUp) {
        if (mode.catchUp.aggregates.has(keyOf(aggregate))) return false;
        mode.catchUp.aggregates.add(keyOf(aggregate));
        return await this.publishAggregate(run.repo, run.sha, guard, claimsStaleBefore);
      }
      const commitRuns = await this.runsOfCommit(run.repo, run.sha);
      this.fences.set(keyOf(aggregate), fence);
      this.coalescer.submit(
        keyOf(aggregate),
        aggregate,
        commitRuns.every(isFinished),
      );
    } else {
      const runUrl = runPageUrl(this.options.appBaseUrl, run.entityRef, run.id);
      const client = await this.options.clients(splitRepo(run.repo));
      const clusters = clustersOf(run);
      for (const cluster of clusters) {
        const verdict = verdictOf(
          run,
          {
            runUrl,
            evidence: this.options.config.evidence || annotation === 'evidence',
          },
          cluster || undefined,
        );
        const posted = await this.post(client, guard, {
          key: { runId: run.id, cluster },
          repo: run.repo,
          sha: run.sha,
          name: checkName(run.entityRef, cluster || undefined),
          externalId: run.id,
          detailsUrl: runUrl,
          verdict,
          onlyIfPosted: run.state === 'superseded',
          claimsStaleBefore,
        });
        wrote ||= posted === 'posted';
        if (
          posted !== 'skipped' &&
          verdict.status === 'completed' &&
          this.options.config.mergedPrComment &&
          cluster === clusters[0]
        ) {
          await this.commentMergedPullRequests(
            client,
            guard,
            run.sha,
            `gort-verdict:${run.entityRef}`,
            `### GORT: ${checkName(run.entityRef)}\n\n${verdict.summary}`,
          );
        }
      }
    }
    if (isFinished(run) && this.fences.get(keyOf(target)) === fence) this.fences.delete(keyOf(target));
    return wrote;
  }

  private async publishAggregate(repo: string, sha: string, eventFence: SideEffectGuard, claimsStaleBefore?: number): Promise<boolean> {
    const runs = await this.runsOfCommit(repo, sha);
    if (runs.length === 0) return false;
    const fenced = runs.every(isFinished) ? UNFENCED : eventFence;
    const commitPage = `${this.options.appBaseUrl.replace(/\/+$/, '')}/gort`;
    const verdict = aggregateVerdictOf(runs, run => runPageUrl(this.options.appBaseUrl, run.entityRef, run.id));
    const client = await this.options.clients(splitRepo(repo));
    const id = `commit:${repo}@${sha}`;
    const posted = await this.post(client, fenced, { key: { runId: id, cluster: '' }, repo, sha, name: AGGREGATE_CHECK_NAME, externalId: id, detailsUrl: commitPage, verdict, claimsStaleBefore });
    if (verdict.status === 'completed' && this.options.config.mergedPrComment) {
      await this.commentMergedPullRequests(client, fenced, sha, 'gort-verdict:commit', `### GORT: ${AGGREGATE_CHECK_NAME}\n\n${verdict.summary}`);
    }
    return posted === 'posted';
  }

  private async post(
    client: CommitVerdictClient,
    fenced: SideEffectGuard,
    input: {
      key: VerdictCheckKey;
      repo: string;
      sha: string;
      name: string;
      externalId: string;
      detailsUrl: string;
      verdict: CommitVerdict;
      /**
       * Post only to close a check that exists: a run superseded before its
       * first check was posted gets none. A burst of pushes would otherwise
       * queue one write per commit behind GitHub's secondary rate limit
       * (about 80 a minute) and hold up the checks of the runs that count.
       */
      onlyIfPosted?: boolean;
      /** A claim made before this (ms) belongs to a creation that died (default: a minute ago). */
      claimsStaleBefore?: number;
    },
  ): Promise<'posted' | 'unchanged' | 'skipped'> {
    const { store } = this.options;
    const { key, verdict } = input;
    const posted = postedKey(verdict);
    // Before the claim too: a replica fenced out after claiming a new check
    // would make the holder wait for its claim to go stale.
    await fenced(`claim the check ${input.name}`);
    const { record, created } = await store.claim({
      ...key,
      repo: input.repo,
      sha: input.sha,
      name: input.name,
      channel: client.channel,
      ...(input.onlyIfPosted ? { lastPosted: NEVER_POSTED } : {}),
    });
    if (record.lastPosted === NEVER_POSTED) return 'skipped';
    if (record.lastPosted === posted) return 'unchanged';

    if (client.channel === 'status') {
      await fenced(`set the commit status ${input.name}`);
      await client.setStatus({
        sha: input.sha,
        context: input.name,
        state: commitStatusOf(verdict),
        description: statusDescription(verdict),
        targetUrl: input.detailsUrl,
      });
      await store.markPosted(key, posted);
      return 'posted';
    }

    let checkRunId = record.checkRunId;
    if (checkRunId === undefined) {
      // A check this process may have created before it could store the id, or another replica's.
      checkRunId = await client.findCheckRun(input.sha, input.name, input.externalId);
      const claimIsLive = (record.claimedAt ?? 0) >= (input.claimsStaleBefore ?? Date.now() - STALE_CLAIM_MS);
      if (checkRunId === undefined && !created && claimIsLive) throw new CheckNotReady(`the check ${input.name} is being created elsewhere`);
      if (checkRunId === undefined) {
        try {
          await fenced(`create the check run ${input.name}`);
        } catch (error) {
          // Fenced out between its claim and the creation (the run finished meanwhile): the
          // claim goes, or the publication of the verdict would wait a minute for it to go stale.
          if (created) await store.release(key);
          throw error;
        }
        const createdId = await client.createCheckRun({ sha: input.sha, name: input.name, externalId: input.externalId, detailsUrl: input.detailsUrl, verdict });
        await store.setCheckRunId(key, createdId);
        await store.markPosted(key, posted);
        return 'posted';
      }
      checkRunId = await store.setCheckRunId(key, checkRunId);
    }
    await fenced(`update the check run ${input.name}`);
    await client.updateCheckRun(checkRunId, { detailsUrl: input.detailsUrl, verdict });
    await store.markPosted(key, posted);
    return 'posted';
  }

  private async commentMergedPullRequests(client: CommitVerdictClient, fenced: SideEffectGuard, sha: string, marker: string, body: string) {
    try {
      for (const number of await client.mergedPullRequestsOf(sha)) {
        await fenced(`comment the verdict on pull request #${number}`);
        await client.upsertPullRequestComment(number, marker, body);
      }
    } catch (error) {
      if (isLeaseLost(error)) throw error;
      this.options.logger.warn(`GORT could not comment the verdict on the pull request of ${sha.slice(0, 7)}: ${error}`);
    }
  }

  private failed(key: string, error: unknown) {
    if (isLeaseLost(error)) {
      // Not retried here: the replica that holds the run now writes it.
      this.retries.delete(key);
      this.options.logger.info(`GORT did not post the verdict ${key} to GitHub: ${(error as Error).message}`);
      return;
    }
    const target = targetOf(key);
    const tries = (this.retries.get(key) ?? 0) + 1;
    if ((error as Error)?.name === 'CheckNotReady' && target && tries <= NOT_READY_RETRIES) {
      this.retries.set(key, tries);
      setTimeout(() => this.coalescer.submit(key, target, true), this.options.retryDelayMs ?? 1000).unref?.();
      return;
    }
    this.retries.delete(key);
    this.options.logger.warn(`GORT could not post the verdict ${key} to GitHub: ${error}`);
  }
}

function keyOf(target: Target): string {
  return target.kind === 'run'
    ? `run|${target.runId}`
    : `commit|${target.repo}|${target.sha}`;
}

function targetOf(key: string): Target | undefined {
  const [kind, a, b = ''] = key.split('|');
  if (kind === 'run') return { kind: 'run', runId: a };
  if (kind === 'commit') return { kind: 'commit', repo: a, sha: b };
  return undefined;
}
