import { createHash } from 'node:crypto';
import type { FailureCategory } from '@gort-backstage/plugin-gort-common';
import { classify } from './classify';
import type { RuleScope } from './rules';

/** One labelled real failure message (`__corpus__/messages.json`). */
export interface CorpusCase {
  id: string;
  category: FailureCategory;
  alsoAccepted?: { category: FailureCategory; reason: string }[];
  scope: RuleScope;
  kind?: string;
  reason?: string;
  source: string;
  message: string;
}

export type CorpusSplit = 'train' | 'heldout';

/** Hash-based 30% hold-out: the split depends only on the message text. */
export function splitOf(message: string): CorpusSplit {
  const head = createHash('sha256').update(message).digest('hex').slice(0, 8);
  return parseInt(head, 16) % 10 < 3 ? 'heldout' : 'train';
}

const SUBJECT_KIND: Record<RuleScope, string> = {
  source: 'GitRepository',
  kustomization: 'Kustomization',
  helmrelease: 'HelmRelease',
  workload: 'Deployment',
};

export interface CaseResult {
  case: CorpusCase;
  split: CorpusSplit;
  predicted: FailureCategory;
  rule?: string;
  correct: boolean;
}

export function evaluateCase(c: CorpusCase): CaseResult {
  const kind = c.kind ?? SUBJECT_KIND[c.scope];
  const found = classify({
    message: c.message,
    reason: c.reason,
    scope: c.scope,
    subject: `${kind}/corpus/${c.id}`,
  });
  const predicted = found?.rule.category ?? 'unknown';
  const accepted = [c.category, ...(c.alsoAccepted ?? []).map(a => a.category)];
  return {
    case: c,
    split: splitOf(c.message),
    predicted,
    rule: found?.rule.name,
    correct: accepted.includes(predicted),
  };
}

export interface Accuracy {
  correct: number;
  total: number;
}

export interface CorpusReport {
  results: CaseResult[];
  overall: Accuracy;
  bySplit: Record<CorpusSplit, Accuracy>;
  byCategory: Map<FailureCategory, Accuracy>;
  /** expected → predicted → count, for the cases the rules got wrong. */
  confusion: Map<FailureCategory, Map<FailureCategory, number>>;
}

function tally(results: CaseResult[]): Accuracy {
  return {
    correct: results.filter(r => r.correct).length,
    total: results.length,
  };
}

export function evaluateCorpus(cases: readonly CorpusCase[]): CorpusReport {
  const results = cases.map(evaluateCase);
  const byCategory = new Map<FailureCategory, Accuracy>();
  const confusion = new Map<FailureCategory, Map<FailureCategory, number>>();
  for (const r of results) {
    const acc = byCategory.get(r.case.category) ?? { correct: 0, total: 0 };
    acc.total += 1;
    if (r.correct) acc.correct += 1;
    byCategory.set(r.case.category, acc);
    if (!r.correct) {
      const row = confusion.get(r.case.category) ?? new Map();
      row.set(r.predicted, (row.get(r.predicted) ?? 0) + 1);
      confusion.set(r.case.category, row);
    }
  }
  return {
    results,
    overall: tally(results),
    bySplit: {
      train: tally(results.filter(r => r.split === 'train')),
      heldout: tally(results.filter(r => r.split === 'heldout')),
    },
    byCategory,
    confusion,
  };
}

const percent = (a: Accuracy) =>
  a.total === 0 ? 'n/a' : `${((100 * a.correct) / a.total).toFixed(1)}%`;

/** Human-readable report: accuracy overall, per split and per category, and the confusion of the misses. */
export function formatReport(report: CorpusReport): string {
  const lines = [
    `corpus accuracy: ${percent(report.overall)} (${report.overall.correct}/${
      report.overall.total
    }); unknown counts as wrong`,
    `  train   ${percent(report.bySplit.train)} (${
      report.bySplit.train.correct
    }/${report.bySplit.train.total})`,
    `  heldout ${percent(report.bySplit.heldout)} (${
      report.bySplit.heldout.correct
    }/${report.bySplit.heldout.total})`,
    'by category:',
  ];
  for (const [category, acc] of [...report.byCategory].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    lines.push(
      `  ${category.padEnd(26)} ${percent(acc).padStart(6)} (${acc.correct}/${
        acc.total
      })`,
    );
  }
  lines.push('confusion (expected -> predicted: count), misses only:');
  if (report.confusion.size === 0) lines.push('  none');
  for (const [expected, row] of report.confusion) {
    for (const [predicted, count] of row) {
      lines.push(`  ${expected} -> ${predicted}: ${count}`);
    }
  }
  return lines.join('\n');
}
