import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type {
  FixValidationCheck,
  Run,
  RunAiAnalysis,
  RunEvidenceItem,
  RunFixPr,
  Watcher,
} from '@gort-backstage/plugin-gort-common';
import {
  buildFixPrompt,
  FixEdit,
  IntentFinding,
  PromptDiagnosis,
  PromptPlanDocument,
  ProposeFixInput,
  readProposeFixAnswer,
  redact,
  redactObject,
  redactThoroughly,
} from '@gort-backstage/plugin-gort-node';
import type { GortScmProvider, ScmDiffFile, ScmRepository } from '@gort-backstage/plugin-gort-node';
import { AiClient } from '../ai/AiClient';
import { TokenBudget } from '../ai/TokenBudget';
import { RunStore } from '../database/RunStore';
import { defaultAllowedGlobs, normaliseRepoDir } from './allowedPaths';
import { isLeaseLost, SideEffectGuard } from '../runs/ports';
import { commentMarker, markerKey, withMarker } from './commentMarker';
import { FixPrStore } from './FixPrStore';
import { kustomizeBuildCheck, kustomizeTreeFiles } from './kustomizeCheck';
import {
  diagnoseOnlyComment,
  entityPageUrl,
  escalationComment,
  fingerprintTrailer,
  fixBranchName,
  fixPrBody,
  foreignCommitsComment,
  fixPrTitle,
  GORT_LABEL,
  isGortFixMerge,
  planDocument,
  planDocumentPath,
  shortSha,
} from './prContent';
import { selectFixFiles } from './selectFixFiles';
import { EditPolicyMode, SECURITY_REVIEW_LABEL, validateEdits } from './validateEdits';

export type FixPrResultLabel = 'opened' | 'updated' | 'failed' | 'rejected' | 'skipped' | 'escalated' | 'commented';

export interface FixPrOptions {
  aiClient?: AiClient;
  /** Where the failing repository is read and the fix PR is opened. */
  scm: GortScmProvider;
  store: FixPrStore;
  runStore: RunStore;
  logger: LoggerService;
  appBaseUrl: string;
  maxAttemptsAfterMerge: number;
  commentInDiagnoseOnly: boolean;
  /** Extra globs a fix may touch, besides the object's tree and the docs paths. */
  extraAllowedPaths?: string[];
  maxFiles?: number;
  /** `null` disables the kustomize build check; undefined finds a binary on PATH. */
  kustomizeCommand?: string[] | null;
  /** What the edit policy does with an edit that widens privilege or trust; `refuse` by default. */
  editPolicy?: EditPolicyMode;
  onResult?: (result: FixPrResultLabel) => void;
  /** Records every write to a repository as a `fix-pr` audit event (open, update, comment). */
  auditor?: AuditorService;
}

/** What is known about the failure a fix is asked for. */
export interface FixRequest {
  run: Run;
  watcher: Watcher;
  category: string;
  /** The rules' summary (or intent findings) the fingerprint is built from. */
  failureMessage: string;
  fingerprint: string;
  diagnosis: PromptDiagnosis;
  evidence: RunEvidenceItem[];
  object: { kind: string; namespace: string; name: string; cluster?: string; specPath?: string };
  plans?: PromptPlanDocument[];
  findings?: IntentFinding[];
  budget: TokenBudget;
  progress: (message: string) => Promise<void>;
  /** Checked right before every write to the repository (fencing). */
  guard: SideEffectGuard;
}

export interface FixResult {
  ai?: RunAiAnalysis;
  fixPr: RunFixPr;
}

const ZERO_SHA = /^0+$/;
const MAX_TREE_FILES = 300;

/**
 * Turns a diagnosed failure into a validated fix pull request (or a commit
 * comment in diagnose-only mode), with dedupe by fingerprint and a loop
 * guard after merged GORT PRs. Expected failures become the result.
 */
export class FixPrService {
  constructor(private readonly options: FixPrOptions) {}

  async fix(request: FixRequest): Promise<FixResult> {
    const result = await this.attempt(request).catch(error => {
      // This replica no longer holds the run: nothing to record, the holder does the fix.
      if (isLeaseLost(error)) throw error;
      this.options.logger.warn(`GORT fix for run ${request.run.id} failed: ${redact(String(error))}`);
      const fixPr: RunFixPr = {
        status: 'failed',
        message: `Could not complete the fix: ${redact(String((error as Error)?.message ?? error)).slice(0, 500)}`,
        fingerprint: request.fingerprint,
        validation: [],
      };
      return { fixPr } as FixResult;
    });
    this.options.onResult?.(result.fixPr.status);
    return result;
  }

  /** The AI client, unless the entity says `gort.io/ai: off`. */
  private aiFor(watcher: Watcher): AiClient | undefined {
    return watcher.ai === 'off' ? undefined : this.options.aiClient;
  }

  private aiAnalysis(tokens: { input: number; output: number }, fields: Partial<RunAiAnalysis>): RunAiAnalysis | undefined {
    const client = this.options.aiClient;
    if (!client) return undefined;
    return { provider: client.providerName, model: client.model, tokens, ...fields };
  }

  private async attempt(request: FixRequest): Promise<FixResult> {
    const { run, watcher, fingerprint } = request;
    if (!watcher.targetRepo) {
      // The tenancy rules took the repository away (or the entity is gone): no write anywhere.
      return { fixPr: { fingerprint, validation: [], status: 'skipped', message: `${run.entityRef} has no allowed target repository now; nothing is written` } };
    }
    const target = watcher.targetRepo;
    const fixRepoRef = watcher.fixRepo ?? target;
    const source = await this.options.scm.repository(target);
    const fixRepo = await this.options.scm.repository(fixRepoRef);
    const entityUrl = entityPageUrl(this.options.appBaseUrl, run.entityRef);
    const base = { fingerprint, validation: [] as FixValidationCheck[] };

    if (watcher.mode !== 'diagnose-only') {
      const newer = await this.newerRun(run);
      if (newer) return { fixPr: { ...base, status: 'skipped', message: `A newer run (${newer}) of ${run.entityRef} exists; it gets the fix` } };
    }

    // Loop guard: a failure after a merged GORT PR opens a bounded number of further PRs.
    let existing = await this.options.store.latestFor(fingerprint);
    if (existing?.state === 'open') {
      const live = await fixRepo.getPullRequest(existing.number);
      if (live && live.state !== 'open') {
        await this.options.store.setState(existing.id, live.state);
        existing = { ...existing, state: live.state };
      }
    }
    const headCommit = await source.getCommit(run.sha).catch(() => undefined);
    const followsMerge = existing?.state === 'merged' || (headCommit ? isGortFixMerge(headCommit.message) : false);
    if (watcher.mode !== 'diagnose-only' && followsMerge && existing?.state !== 'open') {
      const attempts = await this.options.store.countAfterMerge(fingerprint);
      if (attempts >= this.options.maxAttemptsAfterMerge) {
        const mergedNumber = existing?.state === 'merged' ? existing.number : Number(/#(\d+)/.exec(headCommit?.message ?? '')?.[1]);
        const summary = request.diagnosis.summary ?? request.failureMessage;
        if (Number.isFinite(mergedNumber)) {
          // One escalation comment per failing commit: a retry edits it instead of adding another.
          await request.guard(`comment on pull request #${mergedNumber}`);
          await fixRepo.upsertPullRequestComment(mergedNumber, markerKey('escalation', fingerprint, run.sha), escalationComment({ entityRef: run.entityRef, entityUrl, sha: run.sha, category: request.category, summary, attempts }));
        }
        return {
          fixPr: {
            ...base,
            status: 'escalated',
            number: Number.isFinite(mergedNumber) ? mergedNumber : undefined,
            message: `The failure follows the merge of a GORT fix and ${attempts} further fix(es) were already opened: escalated to a human${Number.isFinite(mergedNumber) ? ` on PR #${mergedNumber}` : ''}`,
          },
        };
      }
    }

    await request.progress('Reading the failing files and the push diff from GitHub');
    const diff = run.beforeSha && !ZERO_SHA.test(run.beforeSha) ? await source.compare(run.beforeSha, run.sha).catch(() => [] as ScmDiffFile[]) : [];
    const treeFiles = await source.listFiles(run.sha);
    const evidenceText = request.evidence.map(e => `${e.source}\n${e.message}`).join('\n');
    const filePaths = selectFixFiles({ specPath: request.object.specPath, diff, treeFiles, evidenceText, max: this.options.maxFiles ?? 12 });
    const contents = new Map<string, string | undefined>();
    for (const path of filePaths) contents.set(path, await source.readFile(path, run.sha));
    const allowedGlobs = [
      ...defaultAllowedGlobs(request.object.specPath, watcher.docsPaths),
      ...(this.options.extraAllowedPaths ?? []),
    ];

    const client = this.aiFor(watcher);
    if (!client) {
      const why = this.options.aiClient
        ? 'gort.io/ai is off for this entity: nothing was sent to an AI provider, the rules\' diagnosis stands, no fix is proposed'
        : 'No AI provider is configured (gort.ai.provider none): the rules\' diagnosis stands, no fix is proposed';
      return this.noFix(request, fixRepo, entityUrl, base, why);
    }
    await request.progress(`Asking ${client.providerName} (${client.model}) for a fix`);
    // Everything bound for the AI vendor goes through the maintained rule set too.
    const thorough = (text: string) => redactThoroughly(text);
    const [evidenceTexts, fileTexts, diffTexts, planTexts] = await Promise.all([
      Promise.all(request.evidence.map(e => thorough(e.message))),
      Promise.all([...contents].filter(([, c]) => c !== undefined).map(async ([path, content]) => ({ path, content: await thorough(content!) }))),
      Promise.all(diff.map(async f => ({ ...f, patch: f.patch === undefined ? undefined : await thorough(f.patch) }))),
      Promise.all((request.plans ?? []).map(async p => ({ path: p.path, content: await thorough(p.content) }))),
    ]);
    const prompt = buildFixPrompt({
      push: { repository: `${target.owner}/${target.repo}`, sha: run.sha, beforeSha: run.beforeSha, branch: run.branch },
      object: { kind: request.object.kind, namespace: request.object.namespace, name: request.object.name, path: request.object.specPath, cluster: request.object.cluster },
      diagnosis: redactObject(request.diagnosis),
      evidence: request.evidence.map((e, i) => ({ source: redact(e.source), text: evidenceTexts[i], keep: /\blog\b/.test(e.source) ? 'tail' : 'head' })),
      files: fileTexts,
      diff: diffTexts,
      plans: request.plans ? planTexts : undefined,
      allowedPaths: allowedGlobs,
    });
    const answer = await client.askTool(prompt, readProposeFixAnswer, request.budget);
    if (!answer.ok) {
      const ai = this.aiAnalysis(answer.tokens, { error: answer.error });
      const message = `No fix: the AI could not be used (${answer.error}); the rules' diagnosis stands`;
      if (watcher.mode === 'diagnose-only') return { ai, ...(await this.noFix(request, fixRepo, entityUrl, base, message)) };
      return { ai, fixPr: { ...base, status: 'skipped', message } };
    }
    const proposal = answer.value;
    const ai = this.aiAnalysis(answer.tokens, { summary: proposal.summary, rootCause: proposal.rootCause, confidence: proposal.confidence });

    if (watcher.mode === 'diagnose-only') {
      return { ai, ...(await this.noFix(request, fixRepo, entityUrl, base, 'diagnose-only: no pull request', proposal)) };
    }
    if (proposal.notFixableInGit || proposal.edits.length === 0) {
      return { ai, fixPr: { ...base, status: 'skipped', message: `Not fixable in Git: ${redact(proposal.notFixableInGit ?? 'the AI proposed no edits')}` } };
    }

    await request.progress(`Validating ${proposal.edits.length} proposed edit(s)`);
    const validation = await this.validate(proposal.edits, contents, source, run.sha, treeFiles, allowedGlobs, request.object.specPath);
    const files = proposal.edits.map(e => e.path);
    if (!validation.ok) {
      const failed = validation.checks.filter(c => !c.ok).map(c => c.check).join(', ');
      return { ai, fixPr: { ...base, status: 'rejected', validation: validation.checks, files, message: `The proposed fix was rejected by validation (${failed}); nothing was pushed` } };
    }

    const planPath = planDocumentPath(watcher.docsPaths, run.sha);
    const changes = {
      ...validation.changed,
      [planPath]: planDocument({ ...proposal.planDocument, entityRef: run.entityRef, sha: run.sha, category: request.category, entityUrl }),
    };
    const content = {
      entityRef: run.entityRef,
      sha: run.sha,
      repo: `${target.owner}/${target.repo}`,
      category: request.category,
      summary: proposal.summary,
      rootCause: proposal.rootCause,
      diagnosis: request.diagnosis.summary,
      confidence: proposal.confidence,
      evidence: request.evidence,
      checks: validation.checks,
      files: Object.keys(changes),
      entityUrl,
      fingerprint,
      findings: request.findings,
      kindsChanged: validation.kindsChanged,
      aiSource: `${client.providerName} ${client.model}`,
      failing: {
        object: `${request.object.kind}/${request.object.namespace}/${request.object.name}`,
        ...(request.object.cluster ? { cluster: request.object.cluster } : {}),
        ...(request.object.specPath !== undefined ? { path: request.object.specPath } : {}),
      },
    };
    const labels = validation.needsSecurityReview ? [GORT_LABEL, SECURITY_REVIEW_LABEL] : [GORT_LABEL];
    const title = fixPrTitle(content);
    const body = fixPrBody(content);
    const message = `${title}\n\nFixes ${run.entityRef} at ${run.sha}.\n${fingerprintTrailer(fingerprint)}`;

    const auditMeta: JsonObject = { entityRef: run.entityRef, runId: run.id, repo: fixRepo.fullName, sha: run.sha, category: request.category, fingerprint, securityReview: validation.needsSecurityReview };
    if (existing?.state === 'open') {
      const head = await fixRepo.getBranchHead(existing.branch);
      // A reviewer's commits on the branch are never rebuilt away: GORT comments instead.
      if (head && !(await this.isOwnHead(fixRepo, head, existing.headSha, fingerprint))) {
        await request.guard(`comment on pull request #${existing.number}`);
        await this.audited('comment', { ...auditMeta, number: existing.number, branch: existing.branch, reason: 'foreign commits on the branch' }, () =>
          fixRepo.upsertPullRequestComment(
            existing!.number,
            markerKey('proposal', fingerprint, run.sha),
            foreignCommitsComment({ entityRef: run.entityRef, entityUrl, sha: run.sha, category: request.category, summary: proposal.summary, head, files: Object.keys(changes) }),
          ),
        );
        await this.options.store.recordUpdate(existing.id, run.id, run.sha);
        return { ai, fixPr: { ...base, status: 'commented', validation: validation.checks, files: Object.keys(changes), url: existing.url, number: existing.number, branch: existing.branch, prState: 'open', message: `The branch of fix PR #${existing.number} has commits GORT did not make: the new proposal was posted as a comment, nothing was pushed` } };
      }
      await request.progress(`Updating the open fix PR #${existing.number}`);
      const { pushed, pr } = await this.audited('update', { ...auditMeta, number: existing.number, branch: existing.branch }, async () => {
        await request.guard(`push to ${existing!.branch}`);
        const commit = await fixRepo.commitFiles({ branch: existing!.branch, parent: head ?? run.sha, treeBase: run.sha, files: changes, message });
        await request.guard(`update pull request #${existing!.number}`);
        return { pushed: commit, pr: await fixRepo.updatePullRequest(existing!.number, { title, body }) };
      });
      await this.options.store.recordUpdate(existing.id, run.id, run.sha, pushed);
      return { ai, fixPr: { ...base, status: 'updated', validation: validation.checks, files: Object.keys(changes), url: pr.url, number: pr.number, branch: existing.branch, prState: pr.state, message: `Updated the open fix PR #${pr.number} for the same failure` } };
    }

    const branch = fixBranchName(run.entityRef, run.sha);
    await request.progress(`Pushing ${branch} and opening a pull request`);
    const branchHead = await fixRepo.getBranchHead(branch);
    // The branch is this run's own (entity and commit); one that exists holds an earlier attempt's commit, or someone else's.
    if (branchHead && !(await this.isOwnHead(fixRepo, branchHead, undefined, fingerprint))) {
      return { ai, fixPr: { ...base, status: 'failed', validation: validation.checks, files: Object.keys(changes), branch, message: `${branch} already exists with commits GORT did not make; nothing was pushed` } };
    }
    const { pushed, pr } = await this.audited('open', { ...auditMeta, branch, labels }, async () => {
      await request.guard(`push to ${branch}`);
      const commit = await fixRepo.commitFiles({ branch, parent: branchHead ?? run.sha, treeBase: run.sha, files: changes, message });
      // The branch is this run's own (entity and commit): an open PR from it was
      // opened by an earlier attempt that did not get to record it.
      const earlier = await fixRepo.findOpenPullRequest(branch);
      await request.guard(earlier ? `update pull request #${earlier.number}` : `open a pull request from ${branch}`);
      const opened = earlier
        ? await fixRepo.updatePullRequest(earlier.number, { title, body })
        : await fixRepo.createPullRequest({ title, body, head: branch, base: watcher.branch ?? run.branch, labels });
      return { pushed: commit, pr: opened };
    });
    await this.options.store.insert({
      fingerprint,
      entityRef: run.entityRef,
      repo: fixRepo.fullName,
      number: pr.number,
      url: pr.url,
      branch,
      state: 'open',
      afterMerge: followsMerge,
      runIds: [run.id],
      sha: run.sha,
      headSha: pushed,
    });
    return { ai, fixPr: { ...base, status: 'opened', validation: validation.checks, files: Object.keys(changes), url: pr.url, number: pr.number, branch, prState: 'open', message: `Opened fix PR #${pr.number}` } };
  }

  private async validate(
    edits: FixEdit[],
    contents: Map<string, string | undefined>,
    source: ScmRepository,
    sha: string,
    treeFiles: string[],
    allowedGlobs: string[],
    specPath: string | undefined,
  ) {
    const files = new Map(contents);
    for (const edit of edits) {
      if (!files.has(edit.path) && !edit.path.includes('..')) files.set(edit.path, await source.readFile(edit.path, sha).catch(() => undefined));
    }
    const result = validateEdits(edits, files, allowedGlobs, { policy: this.options.editPolicy });
    const policy = { kindsChanged: result.review.kindsChanged, needsSecurityReview: result.needsSecurityReview };
    if (!result.ok) return { ...result, ...policy };
    const root = normaliseRepoDir(specPath);
    const treeChecks: FixValidationCheck[] = [];
    const skipped = (detail: string): FixValidationCheck => ({ check: 'kustomize-build', ok: true, status: 'skipped', detail: `skipped: ${detail}` });
    if (specPath === undefined) {
      treeChecks.push(skipped('the object has no spec.path'));
    } else if (this.options.kustomizeCommand === null) {
      treeChecks.push(skipped('disabled'));
    } else {
      // The Kustomization's real tree: its path and every local base it names, with the edits applied.
      const allFiles = [...new Set([...treeFiles, ...Object.keys(result.changed)])];
      const read = async (path: string) => result.changed[path] ?? files.get(path) ?? (await source.readFile(path, sha));
      const tree = await kustomizeTreeFiles(root, allFiles, read, MAX_TREE_FILES);
      treeChecks.push(tree.ok ? await kustomizeBuildCheck(tree.files, root, { command: this.options.kustomizeCommand }) : skipped(tree.reason));
    }
    const checks = [...result.checks, ...treeChecks];
    return { ok: checks.every(c => c.ok), checks, changed: result.changed, ...policy };
  }

  /**
   * Whether GORT made the branch's head commit: it is the one GORT recorded
   * pushing, or a commit with this failure's fingerprint trailer on top of it
   * (an attempt that pushed and then lost its lease before recording). For
   * PRs recorded before heads were kept, the trailer alone decides.
   */
  private async isOwnHead(repo: ScmRepository, head: string, recorded: string | undefined, fingerprint: string): Promise<boolean> {
    if (head === recorded) return true;
    const commit = await repo.getCommit(head).catch(() => undefined);
    const trailer = Boolean(commit?.message.split('\n').some(line => line.trim() === fingerprintTrailer(fingerprint)));
    return trailer && (recorded === undefined || Boolean(commit?.parents.includes(recorded)));
  }

  /** Runs one write to the repository as a `fix-pr` audit event (success or failure). */
  private async audited<T>(actionType: 'open' | 'update' | 'comment', meta: JsonObject, write: () => Promise<T>): Promise<T> {
    const event = await this.options.auditor?.createEvent({ eventId: 'fix-pr', severityLevel: 'medium', meta: { actionType, ...meta } });
    try {
      const result = await write();
      await event?.success();
      return result;
    } catch (error) {
      await event?.fail({ error: error as Error });
      throw error;
    }
  }

  /** No PR: in diagnose-only mode the findings go to the pushed commit as a comment. */
  private async noFix(
    request: FixRequest,
    repo: ScmRepository,
    entityUrl: string,
    base: { fingerprint: string; validation: FixValidationCheck[] },
    reason: string,
    proposal?: ProposeFixInput,
  ): Promise<{ fixPr: RunFixPr }> {
    if (request.watcher.mode !== 'diagnose-only' || !this.options.commentInDiagnoseOnly) {
      return { fixPr: { ...base, status: 'skipped', message: reason } };
    }
    const marker = commentMarker('findings', request.run.entityRef, request.run.sha, request.fingerprint);
    let url = await repo.findCommitComment(request.run.sha, marker);
    if (!url) {
      await request.guard(`comment on ${shortSha(request.run.sha)}`);
      url = await repo.commentOnCommit(
        request.run.sha,
        withMarker(
          diagnoseOnlyComment({
            entityRef: request.run.entityRef,
            entityUrl,
            category: request.category,
            summary: proposal?.summary ?? request.diagnosis.summary ?? request.failureMessage,
            rootCause: proposal?.rootCause,
            evidence: request.evidence,
            findings: request.findings,
          }),
          marker,
        ),
      );
    }
    return { fixPr: { ...base, status: 'commented', url, message: `diagnose-only: findings posted as a comment on ${shortSha(request.run.sha)}` } };
  }

  private async newerRun(run: Run): Promise<string | undefined> {
    const { items } = await this.options.runStore.listRuns({ entityRef: run.entityRef, limit: 5 });
    return items.find(other => other.id !== run.id && Date.parse(other.createdAt) > Date.parse(run.createdAt))?.id;
  }
}
