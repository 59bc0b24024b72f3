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

// `Deployment/apps/web dry-run failed…`, `Namespace/apps dry-run failed…`:
// kustomize-controller and fluxcd/pkg/ssa start messages with the object.
const LEADING_OBJECT =
  /^(?<kind>[A-Z][A-Za-z0-9]{0,62})\/(?:(?<namespace>[a-z0-9][a-z0-9.-]{0,252})\/)?(?<name>[a-z0-9][a-z0-9.:-]{0,252}) (?:dry-run failed|not found|namespace not specified|apply failed|is SOPS encrypted|immutable field detected|failed to migrate|metadata\.managedFields)/;

const HELM_PREFIX =
  /^Helm (?<action>[a-z]{1,20}) failed(?: for release (?<release>\S{1,300}) with chart (?<chart>\S{1,300}))?:/i;

export function leadingObject(message: string): string | undefined {
  const groups = LEADING_OBJECT.exec(message)?.groups;
  return groups
    ? formatRef(groups.kind, groups.namespace, groups.name)
    : undefined;
}

export function helmAction(message: string): string | undefined {
  return HELM_PREFIX.exec(message)?.groups?.action?.toLowerCase();
}

function ruleApplies(
  rule: Rule,
  input: ClassifyInput,
  normalised: string,
): RegExpExecArray | null | true {
  if (rule.scopes && !rule.scopes.includes(input.scope)) return null;
  if (rule.reasons && !rule.reasons.includes(input.reason ?? '')) return null;
  if (!rule.pattern) return true;
  return rule.pattern.exec(normalised);
}

/** First rule of the ordered table that matches the message (and reason). */
export function classify(input: ClassifyInput): Classification | undefined {
  const normalised = normaliseMessage(input.message);
  const context: RuleContext = {
    subject: input.subject,
    named: leadingObject(normalised),
    helmAction: helmAction(normalised),
  };
  for (const rule of RULES) {
    const match = ruleApplies(rule, input, normalised);
    if (!match) continue;
    const captures: Captures =
      match === true ? {} : { ...(match.groups ?? {}) };
    for (const detail of rule.details ?? []) {
      for (const [key, value] of Object.entries(
        detail.exec(normalised)?.groups ?? {},
      )) {
        if (value !== undefined) captures[key] = value;
      }
    }
    return {
      rule,
      captures,
      context,
      summary: rule.summary(captures, context),
      fix: rule.fix(captures, context),
    };
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
  for (const match of normaliseMessage(message).matchAll(WAITED_OBJECT)) {
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
