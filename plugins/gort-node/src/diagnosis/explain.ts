import type { FailureCategory } from '@gort-backstage/plugin-gort-common';
import { classify, ClassifyInput, RuleOutcome, ruleOutcome } from './classify';
import { Rule, RULES } from './rules';
import { normaliseMessage } from './text';
import { formatSource } from './templates';

/** A rule as `--explain` shows it, with the upstream templates it was written from. */
export interface ExplainedRule {
  name: string;
  category: FailureCategory;
  confidence: number;
  /** `owner/repo@commit:path#Lline`, with the literal fragment the rule keys on. */
  templates: { source: string; fragment: string }[];
}

export interface ExplainedCandidate extends ExplainedRule {
  /** Whether the rule comes before the one that matched (more specific) or after it. */
  order: 'before' | 'after';
  outcome: RuleOutcome['status'];
  why: string;
}

/** Why one message got its category. The JSON shape is shared by the CLI and other channels (MCP). */
export interface MessageExplanation {
  /** Where the message came from, e.g. `Kustomization/apps/shop condition Ready`. */
  source: string;
  scope: ClassifyInput['scope'];
  reason?: string;
  /** The bounded, single-line text the rules ran on. */
  normalisedMessage: string;
  matched: (ExplainedRule & { captures: Record<string, string> }) | null;
  /** The rule whose match handed over to `matched` (a quoted error decided the category). */
  via?: ExplainedRule;
  /** The next rules that would match, and more specific ones that did not fire, with the reason. */
  candidates: ExplainedCandidate[];
}

export interface ObjectExplanation {
  object: string;
  /** The conditions in the order diagnosis reads them; the first conclusive one decides. */
  conditions: MessageExplanation[];
}

const MAX_AFTER = 5;
const MAX_SAME_CATEGORY = 3;

function describeRule(rule: Rule): ExplainedRule {
  return {
    name: rule.name,
    category: rule.category,
    confidence: rule.confidence,
    templates: rule.sources.map(s => ({
      source: formatSource(s),
      fragment: s.fragment,
    })),
  };
}

function whyNot(
  rule: Rule,
  outcome: RuleOutcome['status'],
  input: ClassifyInput,
): string {
  switch (outcome) {
    case 'scope':
      return `applies to ${rule.scopes?.join(', ')} objects, not ${
        input.scope
      }`;
    case 'reason':
      return `needs reason ${rule.reasons?.join(' or ')}, not ${
        input.reason || '(none)'
      }`;
    case 'pattern':
      return 'its pattern does not match the message';
    default:
      return 'matches too, but comes later in the ordered table';
  }
}

function ruleMatchesText(rule: Rule, normalised: string): boolean {
  return rule.pattern ? rule.pattern.test(normalised) : false;
}

/** How the ordered rule table treated one message: the winner, the runners-up and the near misses. */
export function explainMessage(
  input: ClassifyInput,
  source = input.subject,
): MessageExplanation {
  const normalised = normaliseMessage(input.message);
  const winner = classify(input);
  const decidingRule = winner?.via ?? winner?.rule;
  const winnerIndex = decidingRule ? RULES.indexOf(decidingRule) : RULES.length;
  const candidates: ExplainedCandidate[] = [];
  let sameCategory = 0;
  RULES.forEach((rule, index) => {
    if (index === winnerIndex) return;
    const outcome = ruleOutcome(rule, input, normalised).status;
    if (index > winnerIndex) {
      if (
        outcome === 'matched' &&
        candidates.filter(c => c.order === 'after').length < MAX_AFTER
      ) {
        candidates.push({
          ...describeRule(rule),
          order: 'after',
          outcome,
          why: whyNot(rule, outcome, input),
        });
      }
      return;
    }
    // A more specific rule that was skipped only because of its scope or reason
    // filter, or one of the same category whose wording did not match.
    const filteredOut =
      (outcome === 'scope' || outcome === 'reason') &&
      ruleMatchesText(rule, normalised);
    const nearMiss =
      outcome === 'pattern' &&
      winner !== undefined &&
      rule.category === winner.rule.category &&
      sameCategory < MAX_SAME_CATEGORY;
    if (filteredOut || nearMiss) {
      if (nearMiss) sameCategory += 1;
      candidates.push({
        ...describeRule(rule),
        order: 'before',
        outcome,
        why: whyNot(rule, outcome, input),
      });
    }
  });
  const captures: Record<string, string> = {};
  if (winner) {
    for (const [k, v] of Object.entries(winner.captures)) {
      if (v !== undefined && k !== 'cause') captures[k] = v;
    }
  }
  return {
    source,
    scope: input.scope,
    reason: input.reason,
    normalisedMessage: normalised,
    matched: winner ? { ...describeRule(winner.rule), captures } : null,
    ...(winner?.via ? { via: describeRule(winner.via) } : {}),
    candidates,
  };
}
