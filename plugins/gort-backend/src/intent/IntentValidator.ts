import type { Run, RunAiAnalysis, RunIntentVerdict, Watcher } from '@gort-backstage/plugin-gort-common';
import {
  buildIntentPrompt,
  KubeObject,
  PromptDiffFile,
  PromptPlanDocument,
  readIntentVerdictAnswer,
  redact,
  redactThoroughly,
  RuntimeSnapshot,
} from '@gort-backstage/plugin-gort-node';
import type { ScmRepository } from '@gort-backstage/plugin-gort-node';
import { parseEntityRef } from '@backstage/catalog-model';
import { AiClient } from '../ai/AiClient';
import { TokenBudget } from '../ai/TokenBudget';
import { ClusterReader } from '../flux/FluxClusterClient';
import { isGortFixPlan, isPlanPath, planNamesApp, plansChangedByPush } from './relevantPlans';
import { runtimeHealthFindings } from './runtimeHealth';
import { readRuntimeSnapshot } from './runtimeSnapshot';

export interface IntentTarget {
  cluster: string;
  object: KubeObject;
}

export interface IntentRequest {
  run: Run;
  watcher: Watcher;
  targets: IntentTarget[];
  repo?: ScmRepository;
  /** Why there is no `repo`, for the verdict. */
  repoError?: string;
  budget: TokenBudget;
  progress: (message: string) => Promise<void>;
}

export interface IntentOutcome {
  intent: RunIntentVerdict;
  ai?: RunAiAnalysis;
  runtime: RuntimeSnapshot;
  plans: PromptPlanDocument[];
  diff: PromptDiffFile[];
}

const MAX_PLAN_CANDIDATES = 30;
const MAX_PLANS = 8;
const ZERO_SHA = /^0+$/;

/**
 * Compares the runtime state after a successful push with the plan
 * documents relevant to it (AI), or checks runtime health only.
 */
export class IntentValidator {
  constructor(
    private readonly options: {
      aiClient?: AiClient;
      readerFor: (cluster: string) => ClusterReader | undefined;
    },
  ) {}

  async validate(request: IntentRequest): Promise<IntentOutcome> {
    await request.progress('Reading the runtime state of the applied workloads');
    const runtime: RuntimeSnapshot = { workloads: [], warningEvents: [] };
    const problems: string[] = [];
    for (const target of request.targets) {
      const reader = this.options.readerFor(target.cluster);
      if (!reader) {
        problems.push(`no access to cluster ${target.cluster}`);
        continue;
      }
      const read = await readRuntimeSnapshot(reader, target.object);
      runtime.workloads.push(...read.snapshot.workloads);
      runtime.warningEvents!.push(...(read.snapshot.warningEvents ?? []));
      problems.push(...read.problems);
    }

    let plans: PromptPlanDocument[] = [];
    let diff: PromptDiffFile[] = [];
    let planError = request.repoError;
    if (request.repo) {
      try {
        ({ plans, diff } = await this.readPlans(request, runtime));
      } catch (error) {
        planError = `could not read the plan documents from ${request.repo.fullName}: ${redact(String((error as Error)?.message ?? error)).slice(0, 300)}`;
      }
    }
    // `gort.io/ai: off`: the plans and the runtime are never sent to an AI provider.
    const aiOff = request.watcher.ai === 'off';
    const client = aiOff ? undefined : this.options.aiClient;
    const healthOnly = (error?: string): IntentOutcome => {
      const findings = [
        ...runtimeHealthFindings(runtime),
        ...problems.map(p => ({ expectation: 'every inventory workload can be read', observed: p, status: 'unknown' as const })),
      ];
      return {
        intent: {
          met: findings.every(f => f.status !== 'not_met'),
          confidence: problems.length ? 0.5 : 0.8,
          findings,
          mode: 'runtime-health',
          plans: plans.map(p => p.path),
          ...(error ? { error } : {}),
        },
        runtime,
        plans,
        diff,
      };
    };
    if (!client) return healthOnly(aiOff && this.options.aiClient ? 'gort.io/ai is off for this entity: runtime health only, nothing was sent to an AI provider' : undefined);
    if (planError) return healthOnly(`${planError}: runtime health only`);
    if (plans.length === 0) return healthOnly('no plan document is relevant to this push: runtime health only');

    await request.progress(`Comparing the runtime with ${plans.length} plan document(s) (${client.providerName})`);
    const [planTexts, diffTexts] = await Promise.all([
      Promise.all(plans.map(async p => ({ path: p.path, content: await redactThoroughly(p.content) }))),
      Promise.all(diff.map(async f => ({ ...f, patch: f.patch === undefined ? undefined : await redactThoroughly(f.patch) }))),
    ]);
    const prompt = buildIntentPrompt({
      push: { repository: request.run.repo, sha: request.run.sha, beforeSha: request.run.beforeSha, branch: request.run.branch },
      objects: request.targets.map(t => ({ kind: t.object.kind ?? 'Kustomization', namespace: t.object.metadata?.namespace ?? '', name: t.object.metadata?.name ?? '', path: t.object.spec?.path, cluster: t.cluster })),
      plans: planTexts,
      runtime,
      diff: diffTexts,
    });
    const answer = await client.askTool(prompt, readIntentVerdictAnswer, request.budget);
    const ai: RunAiAnalysis = { provider: client.providerName, model: client.model, tokens: answer.tokens };
    if (!answer.ok) {
      const fallback = healthOnly(`AI intent check not used: ${answer.error}`);
      return { ...fallback, ai: { ...ai, error: answer.error } };
    }
    const verdict = answer.value;
    return {
      intent: { met: verdict.met, confidence: verdict.confidence, findings: verdict.findings, mode: 'ai', plans: plans.map(p => p.path) },
      ai: { ...ai, summary: `${verdict.findings.filter(f => f.status === 'not_met').length} of ${verdict.findings.length} expectation(s) not met`, confidence: verdict.confidence },
      runtime,
      plans,
      diff,
    };
  }

  private async readPlans(request: IntentRequest, runtime: RuntimeSnapshot): Promise<{ plans: PromptPlanDocument[]; diff: PromptDiffFile[] }> {
    const repo = request.repo!;
    const { run, watcher } = request;
    const diff = run.beforeSha && !ZERO_SHA.test(run.beforeSha) ? await repo.compare(run.beforeSha, run.sha).catch(() => []) : [];
    const changed = new Set(plansChangedByPush(diff, watcher.docsPaths).filter(p => !isGortFixPlan(p)));
    const candidates = (await repo.listFiles(run.sha)).filter(p => isPlanPath(p, watcher.docsPaths) && !isGortFixPlan(p));
    const names = [
      parseEntityRef(run.entityRef).name,
      ...request.targets.map(t => t.object.metadata?.name ?? ''),
      ...runtime.workloads.map(w => w.name),
    ];
    const plans: PromptPlanDocument[] = [];
    const ordered = [...changed, ...candidates.filter(p => !changed.has(p))].slice(0, MAX_PLAN_CANDIDATES);
    for (const path of ordered) {
      if (plans.length >= MAX_PLANS) break;
      const content = await repo.readFile(path, run.sha);
      if (content !== undefined && (changed.has(path) || planNamesApp(content, names))) plans.push({ path, content });
    }
    return { plans, diff };
  }
}
