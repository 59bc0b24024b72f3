import type { FailureCategory } from '@gort-backstage/plugin-gort-common';

export interface Evidence {
  /** Where the message comes from, e.g. `Kustomization/flux-system/apps condition Ready`. */
  source: string;
  /** Bounded in size (see MAX_EVIDENCE_MESSAGE). */
  message: string;
}

export interface Diagnosis {
  category: FailureCategory;
  /** `Kind/namespace/name` (or `Kind/name`) of the root cause. */
  object: string;
  summary: string;
  /** What to change in Git, or `not fixable in Git: …`. */
  fix: string;
  /** 0–1. */
  confidence: number;
  evidence: Evidence[];
  /** Other failing objects explained by, or related to, this root cause. */
  related: string[];
  /** Name of the rule that classified the failure (for audits and tests). */
  rule: string;
}
