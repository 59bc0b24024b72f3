import {
  formatRef,
  HELM_RELEASE_KIND,
  KubeObject,
  KUSTOMIZATION_KIND,
  SOURCE_KINDS,
} from '../kube/objects';
import { normaliseMessage } from './text';
import { Captures, Rule, RuleContext, RuleScope, RULES } from './rules';

export interface Classification {
  rule: Rule;
  captures: Captures;
  context: RuleContext;
  summary: string;
  fix: string;
  /** The rule that recognised a quoted error, when that quoted error decided the category. */
  via?: Rule;
}

export interface ClassifyInput {
  message: string;
  reason?: string;
  scope: RuleScope;
  /** `Kind/namespace/name` of the object the message belongs to. */
  subject: string;
}

export function scopeOf(obj: KubeObject): RuleScope {
  if (obj.kind === KUSTOMIZATION_KIND) return 'kustomization';
  if (obj.kind === HELM_RELEASE_KIND) return 'helmrelease';
  if (SOURCE_KINDS.has(obj.kind ?? '')) return 'source';
  return 'workload';
}

// fluxcd/pkg ssa writes `Kind/namespace/name` (utils.FmtUnstructured) before
// the failure; kind or name can be empty when the manifest lacks them.
const OBJECT_VERBS = [
  'dry-run failed',
  'not found',
  'namespace not specified',
  'apply failed',
  'is SOPS encrypted',
  'immutable field detected',
  'failed to migrate',
  'metadata.managedFields',
];
const OBJECT_VERB = OBJECT_VERBS.map(v => v.replace(/\./g, '\\.')).join('|');
const LEADING_OBJECT = new RegExp(
  `^(?<kind>[A-Za-z][A-Za-z0-9]{0,62})?/(?:(?<namespace>[a-z0-9][a-z0-9.-]{0,252})/)?(?<name>[A-Za-z0-9$][A-Za-z0-9.:${'$'}{}_/-]{0,252})? (?:${OBJECT_VERB})`,
);
const EVERY_OBJECT = new RegExp(
  `(?:^|[\\s\\[,>])(?<kind>[A-Z][A-Za-z0-9]{0,62})/(?:(?<namespace>[a-z0-9][a-z0-9.-]{0,252})/)?(?<name>[a-z0-9][a-z0-9.:-]{0,252}) (?:${OBJECT_VERB})`,
  'g',
);
// Helm's kube client joins per-object errors with " && ": `cannot patch "web" with kind Deployment: …`.
const HELM_OBJECT =
  /cannot (?:patch|create|update|delete) "(?<name>[^"]{1,253})" with kind (?<kind>[A-Z][A-Za-z0-9]{0,62})/g;
const MAX_AFFECTED = 20;

const HELM_PREFIX =
  /^Helm (?<action>[a-z]{1,20}) failed(?: for release (?<release>\S{1,300}) with chart (?<chart>\S{1,300}))?:/i;

export function leadingObject(message: string): string | undefined {
  const groups = LEADING_OBJECT.exec(message)?.groups;
  if (!groups) return undefined;
  return formatRef(
    groups.kind || '(no kind)',
    groups.namespace,
    groups.name || '(no name)',
  );
}

/**
 * Every object a message reports a failure for: a dry-run of several objects
 * fails on each, and Helm joins the errors of all objects it could not patch.
 */
export function affectedObjects(message: string): string[] {
  const text = normaliseMessage(message);
  const found: string[] = [];
  const add = (ref: string) => {
    if (!found.includes(ref) && found.length < MAX_AFFECTED) found.push(ref);
  };
  const first = leadingObject(text);
  if (first) add(first);
  // Cheap substring checks first: the scans below only run when they can match.
  if (OBJECT_VERBS.some(verb => text.includes(verb))) {
    for (const m of text.matchAll(EVERY_OBJECT)) {
      const g = m.groups!;
      add(formatRef(g.kind, g.namespace, g.name));
    }
  }
  if (text.includes(' with kind ')) {
    for (const m of text.matchAll(HELM_OBJECT)) {
      add(formatRef(m.groups!.kind, undefined, m.groups!.name));
    }
  }
  return found;
}

export function helmAction(message: string): string | undefined {
  return HELM_PREFIX.exec(message)?.groups?.action?.toLowerCase();
}

/** Why a rule did or did not fire for a message. */
export type RuleOutcome =
  | { status: 'matched'; match: RegExpExecArray | null }
  | { status: 'scope' | 'reason' | 'pattern' };

export function ruleOutcome(
  rule: Rule,
  input: Pick<ClassifyInput, 'scope' | 'reason'>,
  normalised: string,
): RuleOutcome {
  if (rule.scopes && !rule.scopes.includes(input.scope)) {
    return { status: 'scope' };
  }
  if (rule.reasons && !rule.reasons.includes(input.reason ?? '')) {
    return { status: 'reason' };
  }
  if (!rule.pattern) return { status: 'matched', match: null };
  const match = rule.pattern.exec(normalised);
  return match ? { status: 'matched', match } : { status: 'pattern' };
}

export function contextFor(normalised: string, subject: string): RuleContext {
  return {
    subject,
    message: normalised,
    named: leadingObject(normalised),
    helmAction: helmAction(normalised),
  };
}

export function capturesOf(
  rule: Rule,
  match: RegExpExecArray | null,
  normalised: string,
): Captures {
  const captures: Captures = match ? { ...(match.groups ?? {}) } : {};
  for (const detail of rule.details ?? []) {
    for (const [key, value] of Object.entries(
      detail.exec(normalised)?.groups ?? {},
    )) {
      if (value !== undefined) captures[key] = value;
    }
  }
  return captures;
}

function build(
  rule: Rule,
  captures: Captures,
  context: RuleContext,
): Classification {
  return {
    rule,
    captures,
    context,
    summary: rule.summary(captures, context),
    fix: rule.fix(captures, context),
  };
}

/**
 * A message that quotes another object's error is decided by that error when
 * a rule recognises it (`HelmChart 'x' is not ready: chart pull error: … not found`).
 */
function withCause(found: Classification, subject: string): Classification {
  const { causeScope } = found.rule;
  const quotedError = found.captures.cause;
  if (!causeScope || !quotedError) return found;
  const cause = classify({ message: quotedError, scope: causeScope, subject });
  if (!cause || cause.rule.category === found.rule.category) return found;
  const quoted = found.captures.quotedKind && found.captures.quotedRef;
  const context = quoted
    ? {
        ...found.context,
        named: `${found.captures.quotedKind}/${found.captures.quotedRef}`,
      }
    : found.context;
  return { ...cause, context, via: found.rule };
}

/** First rule of the ordered table that matches the message (and reason). */
export function classify(input: ClassifyInput): Classification | undefined {
  const normalised = normaliseMessage(input.message);
  const context = contextFor(normalised, input.subject);
  for (const rule of RULES) {
    const outcome = ruleOutcome(rule, input, normalised);
    if (outcome.status !== 'matched') continue;
    const found = build(
      rule,
      capturesOf(rule, outcome.match, normalised),
      context,
    );
    return withCause(found, input.subject);
  }
  return undefined;
}

export interface WaitedObject {
  ref: string;
  kind: string;
  namespace?: string;
  name: string;
  status: string;
}

const WAITED_OBJECT =
  /(?<kind>[A-Z][A-Za-z0-9]{0,62})\/(?:(?<namespace>[a-z0-9][a-z0-9.-]{0,252})\/)?(?<name>[a-z0-9][a-z0-9.-]{0,252}) status: '(?<status>[A-Za-z]{1,30})'/g;
const MAX_WAITED = 20;

/** Objects listed by `timeout waiting for: [...]` / `failed early due to stalled resources: [...]`. */
export function waitedObjects(message: string): WaitedObject[] {
  const found: WaitedObject[] = [];
  const text = normaliseMessage(message);
  if (!text.includes(" status: '")) return found;
  for (const match of text.matchAll(WAITED_OBJECT)) {
    const g = match.groups!;
    found.push({
      ref: formatRef(g.kind, g.namespace, g.name),
      kind: g.kind,
      namespace: g.namespace,
      name: g.name,
      status: g.status,
    });
    if (found.length >= MAX_WAITED) break;
  }
  return found;
}
