import type { FailureCategory } from '@gort-backstage/plugin-gort-common';
import type { AiToolDefinition } from './tools';

/** The push GORT followed. */
export interface PromptPush {
  /** `owner/repo` */
  repository: string;
  /** The pushed commit SHA. */
  sha: string;
  /** The commit before the push, when known. */
  beforeSha?: string;
  branch?: string;
}

export interface PromptFluxObject {
  kind: string;
  namespace: string;
  name: string;
  /** `spec.path` of a Kustomization, or the chart of a HelmRelease. */
  path?: string;
  cluster?: string;
}

/** The rule-based diagnosis, sent as JSON. Extra fields are passed through. */
export interface PromptDiagnosis {
  category: FailureCategory;
  /** `certain` means the AI must keep the category. */
  certainty?: 'certain' | 'likely' | 'uncertain';
  /** The object the rules blame, e.g. `Deployment/apps/podinfo`. */
  object?: string;
  message?: string;
  summary?: string;
  [extra: string]: unknown;
}

/** One piece of evidence, already redacted by the caller. */
export interface PromptEvidence {
  /** Where it came from, e.g. `events Pod/apps/podinfo-7d9f` or `logs Pod/apps/podinfo-7d9f/podinfo (previous)`. */
  source: string;
  text: string;
  /** Logs keep their last lines when cut; everything else keeps the first. */
  keep?: 'head' | 'tail';
}

/** A repository file at the pushed commit. */
export interface PromptFile {
  path: string;
  content: string;
}

/** One file of the push's diff, as GitHub's compare API lists it. */
export interface PromptDiffFile {
  path: string;
  previousPath?: string;
  status?: 'added' | 'modified' | 'removed' | 'renamed' | string;
  /** Unified-diff hunks (`@@ … @@` onwards); absent for binary or huge files. */
  patch?: string;
}

export interface PromptPlanDocument {
  path: string;
  content: string;
}

/** Size bounds, in characters, of the blocks and of the whole prompt. */
export interface PromptLimits {
  evidenceChars: number;
  fileChars: number;
  diffChars: number;
  diagnosisChars: number;
  planChars: number;
  runtimeChars: number;
  /** All data blocks together; blocks past it are left out and counted. */
  totalChars: number;
  maxEvidenceBlocks: number;
  maxFiles: number;
  maxPlans: number;
}

export const DEFAULT_PROMPT_LIMITS: PromptLimits = {
  evidenceChars: 8_000,
  fileChars: 24_000,
  diffChars: 24_000,
  diagnosisChars: 4_000,
  planChars: 8_000,
  runtimeChars: 16_000,
  totalChars: 160_000,
  maxEvidenceBlocks: 24,
  maxFiles: 12,
  maxPlans: 8,
};

export interface FixPromptInput {
  push: PromptPush;
  /** The Flux object whose reconciliation failed. */
  object: PromptFluxObject;
  diagnosis: PromptDiagnosis;
  evidence: PromptEvidence[];
  /** Failing files at the pushed commit. */
  files: PromptFile[];
  /** The push's diff: GitHub compare files, or unified diff text. */
  diff?: PromptDiffFile[] | string;
  /** Plan documents relevant to the push. */
  plans?: PromptPlanDocument[];
  /** Globs of the paths the fix may touch. */
  allowedPaths: string[];
  limits?: Partial<PromptLimits>;
}

export interface IntentPromptInput {
  push: PromptPush;
  objects: PromptFluxObject[];
  plans: PromptPlanDocument[];
  /** Runtime state of the inventory, sent as JSON (see {@link RuntimeSnapshot}). */
  runtime: RuntimeSnapshot | Record<string, unknown>;
  diff?: PromptDiffFile[] | string;
  evidence?: PromptEvidence[];
  limits?: Partial<PromptLimits>;
}

/** The runtime state GORT reads after a successful reconciliation. */
export interface RuntimeSnapshot {
  workloads: RuntimeWorkload[];
  warningEvents?: string[];
}

export interface RuntimeWorkload {
  kind: string;
  namespace: string;
  name: string;
  replicas?: {
    desired?: number;
    ready?: number;
    available?: number;
    updated?: number;
  };
  containers?: RuntimeContainer[];
}

export interface RuntimeContainer {
  name: string;
  image: string;
  resources?: {
    limits?: Record<string, string>;
    requests?: Record<string, string>;
  };
  restarts?: number;
}

export interface AiPromptMessage {
  role: 'user';
  content: string;
}

export interface AiPrompt {
  system: string;
  messages: AiPromptMessage[];
  /** The one tool the answer must call, and the matching tool choice. */
  tools: AiToolDefinition[];
  toolChoice: { type: 'tool'; name: string };
  /** What the size bounds did to the data. */
  budget: PromptBudgetReport;
}

export interface PromptBudgetReport {
  dataChars: number;
  truncatedBlocks: number;
  omittedBlocks: number;
}
