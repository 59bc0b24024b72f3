import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  FailureCategory,
  IntentFindingResult,
  Run,
  RunAiAnalysis,
  RunDiagnosis,
  RunFixPr,
  RunIntentVerdict,
  Watcher,
  WatchedObject,
} from '@gort-backstage/plugin-gort-common';
import { formatWatchedObject } from '@gort-backstage/plugin-gort-common';
import { isOutsideRepository, redact } from '@gort-backstage/plugin-gort-node';
import type { GortScmProvider, PromptDiagnosis, RuntimeSnapshot, ScmRepository } from '@gort-backstage/plugin-gort-node';
import { AiClient } from '../ai/AiClient';
import { TokenBudget } from '../ai/TokenBudget';
import { WatcherStore } from '../database/WatcherStore';
import { failureFingerprint } from '../fixpr/fingerprint';
import { FixPrService, FixResult } from '../fixpr/FixPrService';
import { IntentValidator } from '../intent/IntentValidator';
import { RunFollowUps } from '../runs/ports';
import { FluxObjectLookup, ObjectLocation } from '../runs/judgeRunObject';

export interface GortFollowUpsOptions {
  watcherStore: WatcherStore;
  lookup: FluxObjectLookup;
  fixPrs: FixPrService;
  intent: IntentValidator;
  scm: GortScmProvider;
  aiClient?: AiClient;
  runTokenBudget: number;
  logger: LoggerService;
  onIntentVerdict?: (result: 'met' | 'not_met' | 'error') => void;
}

type AfterDiagnosisInput = Parameters<NonNullable<RunFollowUps['afterDiagnosis']>>[0];
type ValidateIntentInput = Parameters<NonNullable<RunFollowUps['validateIntent']>>[0];

/** Rules' confidence → how firmly the AI must keep the category. */
export function certaintyOf(confidence: number | undefined): PromptDiagnosis['certainty'] {
  if (confidence === undefined) return 'uncertain';
  if (confidence >= 0.9) return 'certain';
  return confidence >= 0.6 ? 'likely' : 'uncertain';
}

/** The watched object a failure is about: the one named by the failure, else the first. */
export function failingObject(run: Run): WatchedObject | undefined {
  const named = run.failure?.object;
  if (!named) return run.objects[0];
  // The exact label first: the same Kind/namespace/name may be watched in several clusters.
  return (
    run.objects.find(o => formatWatchedObject(o) === named) ??
    run.objects.find(o => named.endsWith(`${o.kind}/${o.namespace}/${o.name}`)) ??
    run.objects[0]
  );
}

/** The workload a not-met finding is about, for the fix prompt's diagnosis. */
export function workloadOfFindings(findings: IntentFindingResult[], runtime: RuntimeSnapshot): string | undefined {
  const notMet = findings.filter(f => f.status === 'not_met').map(f => `${f.expectation} ${f.observed}`).join(' ');
  const workload = runtime.workloads.find(w => notMet.includes(w.name)) ?? runtime.workloads[0];
  return workload ? `${workload.kind}/${workload.namespace}/${workload.name}` : undefined;
}

function sumTokens(...analyses: Array<RunAiAnalysis | undefined>) {
  return analyses.reduce((t, a) => ({ input: t.input + (a?.tokens.input ?? 0), output: t.output + (a?.tokens.output ?? 0) }), { input: 0, output: 0 });
}

function describeFix(fixPr: RunFixPr | undefined): string {
  return fixPr ? `${fixPr.status}: ${fixPr.message}` : 'no fix';
}

/**
 * GORT's follow-ups of a verdict: after a diagnosed failure, AI analysis and
 * a validated fix PR (or a commit comment); after a success, intent
 * validation and, when not met, a fix PR. Expected failures are results.
 */
export class GortFollowUps implements RunFollowUps {
  constructor(private readonly options: GortFollowUpsOptions) {}

  private async watcherFor(run: Run): Promise<Watcher | undefined> {
    return this.options.watcherStore.get(run.entityRef);
  }

  private resolve(object: WatchedObject | ObjectLocation) {
    const cluster = this.options.lookup.resolveCluster(object.cluster);
    const kube = cluster ? this.options.lookup.get(cluster, object.kind, object.namespace, object.name) : undefined;
    return { cluster, kube };
  }

  /** The repository the plans are read from, or why there is none (shown on the verdict). */
  private async repoOf(run: Run, watcher: Watcher): Promise<{ repo?: ScmRepository; repoError?: string }> {
    // No allowed target repository (tenancy, or the entity is gone): nothing of any repository is read.
    if (!watcher.targetRepo) return { repoError: `${run.entityRef} has no allowed target repository` };
    const target = watcher.targetRepo;
    try {
      return { repo: await this.options.scm.repository(target) };
    } catch (error) {
      const repoError = `could not open ${target.owner}/${target.repo} on the SCM: ${redact(String((error as Error)?.message ?? error)).slice(0, 300)}`;
      this.options.logger.warn(`GORT intent check of run ${run.id}: ${repoError}`);
      return { repoError };
    }
  }

  async afterDiagnosis(input: AfterDiagnosisInput): Promise<{ ai?: RunAiAnalysis; fixPr?: RunFixPr; message: string }> {
    const { run, category, diagnosis, evidence, progress, guard } = input;
    const watcher = await this.watcherFor(run);
    if (!watcher || watcher.mode === 'off') {
      return { message: `Diagnosed as ${category}${watcher ? '; GORT mode is off for this entity' : '; the entity is no longer watched'}` };
    }
    if (isOutsideRepository({ category, fix: diagnosis?.fix })) {
      const why = diagnosis?.fix?.replace(/^not fixable in Git:\s*/i, '') ?? 'a human must act outside Git';
      return {
        message: `Diagnosed as ${category}${diagnosis ? `: ${diagnosis.summary}` : ''}. The cause lies outside the repository, so no pull request was opened: ${why}`,
      };
    }
    const object = failingObject(run);
    const { cluster, kube } = object ? this.resolve(object) : { cluster: undefined, kube: undefined };
    const failureMessage = run.failure?.message ?? diagnosis?.summary ?? category;
    const result = await this.options.fixPrs.fix({
      run,
      watcher,
      category,
      failureMessage,
      fingerprint: failureFingerprint(run.entityRef, category, failureMessage),
      diagnosis: toPromptDiagnosis(category, diagnosis, run),
      evidence,
      object: {
        kind: object?.kind ?? 'Kustomization',
        namespace: object?.namespace ?? '',
        name: object?.name ?? '',
        cluster,
        specPath: object?.kind === 'Kustomization' && typeof kube?.spec?.path === 'string' ? kube.spec.path : undefined,
      },
      budget: new TokenBudget(this.options.runTokenBudget),
      progress,
      guard,
    });
    const prefix = diagnosis ? `Diagnosed as ${category}: ${diagnosis.summary}` : `Diagnosed as ${category}`;
    const aiNote = result.ai?.error ? ` (AI unavailable: ${result.ai.error.slice(0, 200)})` : '';
    return { ai: result.ai, fixPr: result.fixPr, message: `${prefix}${aiNote}. Fix: ${describeFix(result.fixPr)}` };
  }

  async validateIntent(input: ValidateIntentInput): Promise<{ intent: RunIntentVerdict; ai?: RunAiAnalysis; fixPr?: RunFixPr; message: string }> {
    const { run, locations, progress, guard } = input;
    const watcher = await this.watcherFor(run);
    const budget = new TokenBudget(this.options.runTokenBudget);
    const targets = locations
      .filter(l => l.kind === 'Kustomization')
      .map(l => ({ cluster: l.cluster, object: this.options.lookup.get(l.cluster, l.kind, l.namespace, l.name) }))
      .filter((t): t is { cluster: string; object: NonNullable<typeof t.object> } => Boolean(t.object));
    const effectiveWatcher: Watcher = watcher ?? { entityRef: run.entityRef, objects: run.objects, docsPaths: ['docs/plans/'], mode: 'diagnose-only', ai: 'off', problems: [], updatedAt: '' };
    let outcome;
    try {
      outcome = await this.options.intent.validate({ run, watcher: effectiveWatcher, targets, ...(await this.repoOf(run, effectiveWatcher)), budget, progress });
    } catch (error) {
      this.options.onIntentVerdict?.('error');
      const message = `Intent validation failed: ${String((error as Error)?.message ?? error).slice(0, 300)}`;
      return { intent: { met: false, confidence: 0, findings: [], mode: this.options.aiClient ? 'ai' : 'runtime-health', plans: [], error: message }, message };
    }
    const { intent } = outcome;
    let verdict: 'met' | 'not_met' | 'error' = intent.met ? 'met' : 'not_met';
    if (outcome.ai?.error) verdict = 'error';
    this.options.onIntentVerdict?.(verdict);
    const label = intent.mode === 'ai' ? `against ${intent.plans.length} plan document(s)` : 'runtime health only (no AI comparison with the plans)';
    if (intent.met) {
      return { intent, ai: outcome.ai, message: `The push landed; intent met (${label})` };
    }
    const notMet = intent.findings.filter(f => f.status === 'not_met');
    if (!watcher || watcher.mode === 'off') {
      return { intent, ai: outcome.ai, message: `The push landed but intent is not met (${label}): ${notMet.length} finding(s)` };
    }
    const failureMessage = notMet.map(f => f.expectation).join('; ');
    const fix: FixResult = await this.options.fixPrs.fix({
      run,
      watcher,
      category: 'intent',
      failureMessage,
      fingerprint: failureFingerprint(run.entityRef, 'intent', failureMessage),
      diagnosis: {
        category: 'unknown',
        certainty: 'uncertain',
        object: workloadOfFindings(notMet, outcome.runtime),
        summary: `The reconciliation succeeded but the runtime does not meet the plan: ${notMet.map(f => `${f.expectation} (observed: ${f.observed})`).join('; ')}`.slice(0, 2_000),
      },
      evidence: notMet.map(f => ({ source: 'intent finding', message: `expected: ${f.expectation}\nobserved: ${f.observed}` })),
      object: this.firstKustomization(targets),
      plans: outcome.plans,
      findings: notMet,
      budget,
      progress,
      guard,
    });
    const ai = fix.ai ?? outcome.ai;
    const combinedAi = ai ? { ...ai, tokens: sumTokens(outcome.ai, fix.ai) } : undefined;
    return { intent, ai: combinedAi, fixPr: fix.fixPr, message: `The push landed but intent is not met (${label}). Fix: ${describeFix(fix.fixPr)}` };
  }

  /** The head of the run's branch now, for telling whether a timed-out run's commit is still there. */
  async branchHead(run: Run): Promise<string | undefined> {
    const watcher = await this.watcherFor(run);
    const { repo, repoError } = await this.repoOf(run, watcher ?? { entityRef: run.entityRef, objects: run.objects, docsPaths: [], mode: 'off', problems: [], updatedAt: '' });
    if (!repo) throw new Error(repoError ?? `could not open ${run.repo}`);
    return repo.getBranchHead(run.branch);
  }

  private firstKustomization(targets: Array<{ cluster: string; object: any }>) {
    const first = targets[0];
    return {
      kind: 'Kustomization',
      namespace: first?.object.metadata?.namespace ?? '',
      name: first?.object.metadata?.name ?? '',
      cluster: first?.cluster,
      specPath: typeof first?.object.spec?.path === 'string' ? first.object.spec.path : undefined,
    };
  }
}

function toPromptDiagnosis(category: FailureCategory, diagnosis: RunDiagnosis | undefined, run: Run): PromptDiagnosis {
  return {
    category,
    certainty: certaintyOf(diagnosis?.confidence),
    object: diagnosis?.object,
    summary: diagnosis?.summary,
    message: run.failure?.message,
    ...(diagnosis?.fix ? { fix: diagnosis.fix } : {}),
  };
}

export type { ValidateIntentInput, AfterDiagnosisInput };
