import {
  Condition,
  dependsOnOf,
  eventMessage,
  findCondition,
  formatRef,
  HELM_RELEASE_KIND,
  helmChartRefOf,
  isFluxObject,
  isKubeObject,
  isSourceObject,
  isWorkload,
  KubeObject,
  KUSTOMIZATION_KIND,
  objectRef,
  ParsedRef,
  parseRef,
  sourceRefOf,
} from '../kube/objects';
import { ObjectIndex } from '../kube/objectIndex';
import {
  affectedObjects,
  classify,
  Classification,
  scopeOf,
  waitedObjects,
} from './classify';
import { explainMessage, ObjectExplanation } from './explain';
import { isFailing, readFluxStatus } from './status';
import { boundedMessage, MAX_SUMMARY_PART, truncate } from './text';
import { Diagnosis, Evidence } from './types';
import { inspectWorkload, WorkloadFinding } from './workloads';

const MAX_EVIDENCE = 20;
const MAX_EVENTS_PER_OBJECT = 5;
const MAX_WALK_DEPTH = 5;
const UNKNOWN_CONFIDENCE = 0.1;
const STALE_STATUS_FACTOR = 0.8;

/** Categories that only say "something downstream did not get ready"; pods and events can be more precise. */
const VAGUE_CATEGORIES = new Set([
  'health-check-timeout',
  'retries-exhausted',
  'unknown',
]);

/** A diagnosis plus the failing object it was made for. */
interface Finding extends Diagnosis {
  subject: string;
  /** The cause was found on another object (source, dependency, workload): no further refinement. */
  walked?: boolean;
}

class Walk {
  private readonly visiting = new Set<string>();

  constructor(readonly index: ObjectIndex) {}

  diagnose(obj: KubeObject, depth = 0): Finding {
    const subject = objectRef(obj);
    this.visiting.add(subject);
    try {
      return this.diagnoseUnguarded(obj, subject, depth);
    } finally {
      this.visiting.delete(subject);
    }
  }

  /** Diagnoses an upstream object unless that would loop or go too deep. */
  private follow(
    obj: KubeObject | undefined,
    depth: number,
  ): Finding | undefined {
    if (!obj || !isFailing(obj) || depth >= MAX_WALK_DEPTH) return undefined;
    if (this.visiting.has(objectRef(obj))) return undefined;
    return this.diagnose(obj, depth + 1);
  }

  private diagnoseUnguarded(
    obj: KubeObject,
    subject: string,
    depth: number,
  ): Finding {
    const status = readFluxStatus(obj);
    const condition = status.failure ?? readyCondition(obj);
    const own = ownEvidence(this.index, obj);
    if (!status.observedCurrentGeneration) {
      own.push({
        source: `${subject} status`,
        message: `observedGeneration ${obj.status?.observedGeneration} is behind generation ${obj.metadata?.generation}: the status describes an earlier spec`,
      });
    }
    const scope = scopeOf(obj);
    const classification = classifyFirstConclusive(
      conditionsToClassify(obj, condition, status.stalledCondition),
      scope,
      subject,
    );

    let finding = classification
      ? this.walkUpstream(obj, subject, classification, condition, depth) ??
        fromClassification(subject, classification)
      : unknownFinding(subject, condition);

    if (
      !finding.walked &&
      VAGUE_CATEGORIES.has(finding.category) &&
      finding.object === subject
    ) {
      finding = this.refineWithWorkloads(obj, subject, finding) ?? finding;
    }
    if (
      !finding.walked &&
      (VAGUE_CATEGORIES.has(finding.category) ||
        finding.rule.startsWith('reason:'))
    ) {
      finding = refineWithEvents(this.index, obj, subject, finding) ?? finding;
    }

    // The root cause's evidence leads when the cause lies elsewhere.
    const evidence =
      finding.object === subject
        ? [...own, ...finding.evidence]
        : [...finding.evidence, ...own];
    const withEvidence = { ...finding, evidence: boundEvidence(evidence) };
    if (!status.observedCurrentGeneration) {
      withEvidence.confidence = round(
        withEvidence.confidence * STALE_STATUS_FACTOR,
      );
    }
    return withEvidence;
  }

  private walkUpstream(
    obj: KubeObject,
    subject: string,
    classification: Classification,
    condition: Condition | undefined,
    depth: number,
  ): Finding | undefined {
    const message = condition?.message ?? '';
    switch (classification.rule.walk) {
      case 'source':
        return this.walkToSource(obj, subject, classification, depth);
      case 'dependency':
        return this.walkToDependency(obj, subject, classification, depth);
      case 'waited-objects':
        return this.walkToWaitedObjects(
          subject,
          classification,
          message,
          depth,
        );
      default:
        return undefined;
    }
  }

  private walkToSource(
    obj: KubeObject,
    subject: string,
    classification: Classification,
    depth: number,
  ): Finding {
    const ref = upstreamSourceRef(obj);
    const source = ref ? this.index.find(ref) : undefined;
    const upstream = this.follow(source, depth);
    if (upstream) return asRootOf(upstream, subject);
    const base = fromClassification(subject, classification);
    if (!ref) return base;
    const sourceRef = formatRef(
      ref.kind ?? 'GitRepository',
      ref.namespace,
      ref.name,
    );
    return {
      ...base,
      object: sourceRef,
      summary: source
        ? `${base.summary}; ${sourceRef} is not failing now, so this may resolve on the next reconciliation`
        : `${base.summary}; ${sourceRef} is not in the input, so its own error is unknown`,
      related: [subject],
    };
  }

  private walkToDependency(
    obj: KubeObject,
    subject: string,
    classification: Classification,
    depth: number,
  ): Finding {
    const base = fromClassification(subject, classification);
    const named = classification.captures.dep;
    const ref: ParsedRef | undefined = named
      ? parseRef(named, obj.kind)
      : dependsOnOf(obj).find(d => {
          const found = this.index.find(d);
          return !found || readFluxStatus(found).ready !== 'True';
        });
    if (!ref) return base;
    if (!ref.kind) ref.kind = obj.kind;
    const dependency = this.index.find(ref);
    const dependencyRef = formatRef(
      ref.kind ?? KUSTOMIZATION_KIND,
      ref.namespace,
      ref.name,
    );
    const captures = { ...classification.captures, dep: dependencyRef };
    base.summary = classification.rule.summary(
      captures,
      classification.context,
    );
    base.fix = classification.rule.fix(captures, classification.context);
    const upstream = this.follow(dependency, depth);
    if (upstream) {
      const cause =
        upstream.object === dependencyRef ? '' : ` on ${upstream.object}`;
      return {
        ...base,
        object: dependencyRef,
        summary: `${base.summary}. Its cause: ${
          upstream.category
        }${cause}: ${truncate(upstream.summary, MAX_SUMMARY_PART)}`,
        fix: upstream.fix,
        evidence: upstream.evidence,
        walked: true,
        related: unique(
          [upstream.object, ...upstream.related].filter(
            r => r !== dependencyRef && r !== subject,
          ),
        ),
      };
    }
    const readyNow = dependency && readFluxStatus(dependency).ready === 'True';
    return {
      ...base,
      object: dependencyRef,
      summary: readyNow
        ? `${base.summary}; it is Ready now, so the next reconciliation should proceed`
        : base.summary,
    };
  }

  private walkToWaitedObjects(
    subject: string,
    classification: Classification,
    message: string,
    depth: number,
  ): Finding {
    const base = fromClassification(subject, classification);
    const waited = waitedObjects(message);
    for (const item of waited) {
      const found = this.index.find(item);
      if (!found) continue;
      if (isFluxObject(found)) {
        const upstream = this.follow(found, depth);
        if (upstream) return asRootOf(upstream, subject);
      } else if (isWorkload(found)) {
        const workload = inspectWorkload(found, this.index);
        if (workload) return fromWorkload(workload, subject);
      }
    }
    if (waited.length === 0) return base;
    const first = waited.find(w => w.status === 'Failed') ?? waited[0];
    const list = waited.map(w => `${w.ref} (${w.status})`).join(', ');
    const context = { ...classification.context, named: first.ref };
    return {
      ...base,
      object: first.ref,
      summary: `${classification.rule.summary(
        classification.captures,
        context,
      )}: ${truncate(list, MAX_SUMMARY_PART)}`,
      fix: classification.rule.fix(classification.captures, context),
      related: unique([
        subject,
        ...waited
          .filter(w => w.status !== 'Current' && w.ref !== first.ref)
          .map(w => w.ref),
      ]),
    };
  }

  /** For timeouts that name no object: the workloads the release or Kustomization applied. */
  private refineWithWorkloads(
    obj: KubeObject,
    subject: string,
    finding: Finding,
  ): Finding | undefined {
    const workloads = this.index.all.filter(
      o => isWorkload(o) && appliedBy(o, obj),
    );
    let best: WorkloadFinding | undefined;
    for (const workload of workloads) {
      const found = inspectWorkload(workload, this.index);
      if (found && (!best || found.confidence > best.confidence)) best = found;
    }
    if (!best) return undefined;
    const refined = fromWorkload(best, subject);
    return { ...refined, evidence: [...refined.evidence, ...finding.evidence] };
  }
}

export function readyCondition(obj: KubeObject): Condition | undefined {
  return (obj.status?.conditions ?? []).find(
    (c: Condition) => c?.type === 'Ready',
  );
}

/** helm-controller reasons that describe the remediation, not the failure it remedied. */
const REMEDIATION_REASONS = new Set([
  'RollbackSucceeded',
  'RollbackFailed',
  'UninstallSucceeded',
  'UninstallFailed',
]);

/**
 * The conditions to classify, most telling first. After a failed install,
 * upgrade or test helm-controller remediates (Ready shows RollbackSucceeded)
 * and may stall (RetriesExceeded); the failure itself stays in the Released
 * and TestSuccess conditions, so those come first then.
 */
function conditionsToClassify(
  obj: KubeObject,
  failure: Condition | undefined,
  stalled: Condition | undefined,
): Condition[] {
  const failed = ['Released', 'TestSuccess']
    .map(type => findCondition(obj, type))
    .filter((c): c is Condition => c?.status === 'False');
  const remedied =
    obj.kind === HELM_RELEASE_KIND &&
    (REMEDIATION_REASONS.has(failure?.reason ?? '') ||
      failure?.reason === 'RetriesExceeded' ||
      stalled?.reason === 'RetriesExceeded' ||
      failure?.type === 'Stalled');
  const ordered = remedied
    ? [...failed, failure, stalled]
    : [failure, stalled, ...failed];
  return ordered.filter(
    (c, i): c is Condition => !!c && ordered.indexOf(c) === i,
  );
}

/** The first classification that names a cause; a vague one only when nothing better is there. */
function classifyFirstConclusive(
  conditions: Condition[],
  scope: ReturnType<typeof scopeOf>,
  subject: string,
): Classification | undefined {
  let fallback: Classification | undefined;
  for (const condition of conditions) {
    const found = classifyCondition(condition, scope, subject);
    if (!found) continue;
    if (!VAGUE_CATEGORIES.has(found.rule.category)) return found;
    fallback ??= found;
  }
  return fallback;
}

function classifyCondition(
  condition: Condition | undefined,
  scope: ReturnType<typeof scopeOf>,
  subject: string,
): Classification | undefined {
  if (!condition) return undefined;
  return classify({
    message: String(condition.message ?? ''),
    reason: condition.reason,
    scope,
    subject,
  });
}

export function upstreamSourceRef(obj: KubeObject): ParsedRef | undefined {
  if (obj.kind === HELM_RELEASE_KIND) {
    const chartRef = sourceRefOf(obj);
    return chartRef ?? helmChartRefOf(obj);
  }
  const ref = sourceRefOf(obj);
  if (ref && !ref.kind)
    ref.kind = obj.kind === 'HelmChart' ? 'HelmRepository' : 'GitRepository';
  return ref;
}

/** Whether a workload carries the labels Flux or Helm put on what `owner` applied. */
function appliedBy(workload: KubeObject, owner: KubeObject): boolean {
  const labels = workload.metadata?.labels ?? {};
  const annotations = workload.metadata?.annotations ?? {};
  const name = owner.metadata?.name;
  const namespace = owner.metadata?.namespace;
  if (owner.kind === KUSTOMIZATION_KIND) {
    return (
      labels['kustomize.toolkit.fluxcd.io/name'] === name &&
      labels['kustomize.toolkit.fluxcd.io/namespace'] === namespace
    );
  }
  if (owner.kind === HELM_RELEASE_KIND) {
    const targetNamespace = owner.spec?.targetNamespace ?? namespace;
    const releaseName =
      owner.spec?.releaseName ??
      (owner.spec?.targetNamespace
        ? `${owner.spec.targetNamespace}-${name}`
        : name);
    if (
      labels['helm.toolkit.fluxcd.io/name'] === name &&
      labels['helm.toolkit.fluxcd.io/namespace'] === namespace
    ) {
      return true;
    }
    return (
      annotations['meta.helm.sh/release-name'] === releaseName &&
      (annotations['meta.helm.sh/release-namespace'] ??
        workload.metadata?.namespace) === targetNamespace
    );
  }
  return false;
}

function ownEvidence(index: ObjectIndex, obj: KubeObject): Evidence[] {
  const subject = objectRef(obj);
  const conditions = (obj.status?.conditions ?? [])
    .filter(
      (c: Condition) =>
        c && (c.type === 'Ready' || c.type === 'Stalled') && c.message,
    )
    .map((c: Condition) => ({
      source: `${subject} condition ${c.type}=${c.status}${
        c.reason ? ` (${c.reason})` : ''
      }`,
      message: boundedMessage(String(c.message)),
    }));
  const events = index
    .eventsFor(obj)
    .filter(e => e.type !== 'Normal')
    .slice(-MAX_EVENTS_PER_OBJECT)
    .map(e => ({
      source: `${subject} event ${e.reason ?? ''}`.trim(),
      message: boundedMessage(eventMessage(e)),
    }));
  return [...conditions, ...events, ...contextEvidence(index, obj)];
}

/** One line each on the source and the dependencies an object relies on, failing or not. */
function contextEvidence(index: ObjectIndex, obj: KubeObject): Evidence[] {
  const refs = [
    ...(isSourceObject(obj) && obj.kind !== 'HelmChart'
      ? []
      : [upstreamSourceRef(obj)]),
    ...dependsOnOf(obj),
  ];
  const evidence: Evidence[] = [];
  for (const ref of refs) {
    const related = ref && index.find(ref);
    if (!related) continue;
    const ready = readyCondition(related);
    const revision = related.status?.artifact?.revision;
    const parts = [
      `Ready=${ready?.status ?? 'unknown'}${
        ready?.reason ? ` (${ready.reason})` : ''
      }`,
      ...(typeof revision === 'string' ? [`artifact ${revision}`] : []),
    ];
    evidence.push({
      source: `${objectRef(related)} status`,
      message: boundedMessage(parts.join(', ')),
    });
  }
  return evidence;
}

function refineWithEvents(
  index: ObjectIndex,
  obj: KubeObject,
  subject: string,
  finding: Finding,
): Finding | undefined {
  const scope = scopeOf(obj);
  for (const event of index
    .eventsFor(obj)
    .filter(e => e.type !== 'Normal')
    .reverse()) {
    const found = classify({
      message: eventMessage(event),
      reason: event.reason,
      scope,
      subject,
    });
    if (
      !found ||
      VAGUE_CATEGORIES.has(found.rule.category) ||
      found.rule.name.startsWith('reason:')
    )
      continue;
    const refined = fromClassification(subject, found);
    return {
      ...refined,
      object: finding.object === subject ? refined.object : finding.object,
      related: finding.related,
    };
  }
  return undefined;
}

function fromClassification(subject: string, c: Classification): Finding {
  const object = c.context.named ?? subject;
  // A message joining several objects' failures explains all of them.
  const others = affectedObjects(c.context.message ?? '').filter(
    ref => ref !== object,
  );
  return {
    subject,
    category: c.rule.category,
    object,
    summary: c.summary,
    fix: c.fix,
    confidence: c.rule.confidence,
    evidence: [],
    related: unique([
      ...(object !== subject ? [subject] : []),
      ...others.filter(ref => ref !== subject),
    ]),
    rule: c.via ? `${c.via.name}>${c.rule.name}` : c.rule.name,
  };
}

function fromWorkload(w: WorkloadFinding, subject: string): Finding {
  return {
    subject,
    category: w.category,
    object: w.object,
    summary: w.summary,
    fix: w.fix,
    confidence: w.confidence,
    evidence: w.evidence,
    related: [subject],
    rule: w.rule,
    walked: true,
  };
}

/** An upstream root cause seen from a downstream object: same cause, the downstream object becomes related. */
function asRootOf(upstream: Finding, subject: string): Finding {
  return {
    ...upstream,
    subject,
    related: unique(
      [subject, ...upstream.related].filter(r => r !== upstream.object),
    ),
    walked: true,
  };
}

function unknownFinding(
  subject: string,
  condition: Condition | undefined,
): Finding {
  const message = condition?.message
    ? truncate(boundedMessage(condition.message), MAX_SUMMARY_PART)
    : 'no message';
  return {
    subject,
    category: 'unknown',
    object: subject,
    summary: `${subject} is not ready${
      condition?.reason ? ` (${condition.reason})` : ''
    }: ${message}`,
    fix: 'No rule recognised this failure; read the evidence (conditions, events, pod logs)',
    confidence: UNKNOWN_CONFIDENCE,
    evidence: [],
    related: [],
    rule: 'none',
  };
}

function boundEvidence(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence
    .filter(e => {
      const key = `${e.source}\u0000${e.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_EVIDENCE);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function toPublic(finding: Finding): Diagnosis {
  const { subject: _subject, walked: _walked, ...diagnosis } = finding;
  return diagnosis;
}

export function kubeObjects(input: readonly unknown[]): KubeObject[] {
  return input.filter(isKubeObject);
}

/** Kustomizations, HelmReleases and sources: the objects whose failures the taxonomy describes. */
export function isDiagnosable(obj: KubeObject): boolean {
  return (
    isFluxObject(obj) &&
    (obj.kind === KUSTOMIZATION_KIND ||
      obj.kind === HELM_RELEASE_KIND ||
      isSourceObject(obj))
  );
}

function failingFluxObjects(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter(o => isDiagnosable(o) && isFailing(o));
}

function findings(objects: readonly KubeObject[]): Finding[] {
  const walk = new Walk(new ObjectIndex(objects));
  return failingFluxObjects(objects).map(obj => walk.diagnose(obj));
}

/** Merges findings that share a root cause (same category and object). */
function groupByRoot(all: Finding[]): Finding[] {
  const groups = new Map<string, Finding>();
  for (const f of all) {
    const key = `${f.category}|${f.object}`;
    const existing = groups.get(key);
    if (!existing) {
      groups.set(key, {
        ...f,
        related: unique(f.related.filter(r => r !== f.object)),
      });
      continue;
    }
    existing.related = unique(
      [...existing.related, f.subject, ...f.related].filter(
        r => r !== existing.object,
      ),
    );
    existing.confidence = Math.max(existing.confidence, f.confidence);
  }
  return [...groups.values()];
}

/**
 * Diagnoses every failing Flux object in the input. Failures that share a
 * root cause (e.g. a Kustomization failing because its GitRepository cannot
 * authenticate, and that GitRepository) come back as one diagnosis whose
 * `related` lists the other failing objects.
 */
export function diagnoseAll(input: readonly unknown[]): Diagnosis[] {
  return groupByRoot(findings(kubeObjects(input))).map(toPublic);
}

/** How many other failures a diagnosis explains (its object or related objects are theirs). */
function explains(d: Finding, others: Finding[]): number {
  const covered = new Set([d.object, ...d.related]);
  return others.filter(
    o => o !== d && (covered.has(o.subject) || covered.has(o.object)),
  ).length;
}

/**
 * The root cause among several failures: a real cause before
 * `dependency-not-ready`, then the one explaining most other failures, then
 * the most confident, then input order. The others are added to `related`.
 */
function primary(all: Finding[]): Finding | undefined {
  const grouped = groupByRoot(all);
  if (grouped.length === 0) return undefined;
  const ranked = grouped
    .map((f, index) => ({ f, index, score: explains(f, grouped) }))
    .sort(
      (a, b) =>
        Number(a.f.category === 'dependency-not-ready') -
          Number(b.f.category === 'dependency-not-ready') ||
        b.score - a.score ||
        b.f.confidence - a.f.confidence ||
        a.index - b.index,
    );
  const best = ranked[0].f;
  const others = ranked
    .slice(1)
    .flatMap(r => [r.f.subject, r.f.object, ...r.f.related]);
  return {
    ...best,
    related: unique([...best.related, ...others]).filter(
      r => r !== best.object,
    ),
  };
}

export class TargetNotFoundError extends Error {
  constructor(target: string) {
    super(`object ${target} is not in the input`);
    this.name = 'TargetNotFoundError';
  }
}

/**
 * Diagnoses one object (`Kind/namespace/name`, `namespace/name` or `name`),
 * or, without a target, the root cause of all failing Flux objects in the
 * input. Returns undefined when the object (or everything) is Ready.
 */
export function diagnose(
  input: readonly unknown[],
  target?: string,
): Diagnosis | undefined {
  const objects = kubeObjects(input);
  if (target === undefined) {
    const best = primary(findings(objects));
    return best && toPublic(best);
  }
  const index = new ObjectIndex(objects);
  const obj = index.find(parseRef(target), isDiagnosable);
  if (!obj) throw new TargetNotFoundError(target);
  const status = readFluxStatus(obj);
  if (status.ready === 'True' && !status.stalled) return undefined;
  return toPublic(new Walk(index).diagnose(obj));
}

/**
 * `--explain`: for the target (or every failing Flux object), each condition
 * in the order diagnosis classifies them, with the rule that matched, its
 * upstream template, and the runners-up.
 */
export function explainObjects(
  input: readonly unknown[],
  target?: string,
): ObjectExplanation[] {
  const objects = kubeObjects(input);
  let chosen: KubeObject[];
  if (target === undefined) {
    chosen = failingFluxObjects(objects);
  } else {
    const obj = new ObjectIndex(objects).find(parseRef(target), isDiagnosable);
    if (!obj) throw new TargetNotFoundError(target);
    chosen = [obj];
  }
  return chosen.map(obj => {
    const status = readFluxStatus(obj);
    const subject = objectRef(obj);
    const scope = scopeOf(obj);
    const conditions = conditionsToClassify(
      obj,
      status.failure ?? readyCondition(obj),
      status.stalledCondition,
    ).map(c =>
      explainMessage(
        {
          message: String(c.message ?? ''),
          reason: c.reason,
          scope,
          subject,
        },
        `${subject} condition ${c.type}`,
      ),
    );
    return { object: subject, conditions };
  });
}
