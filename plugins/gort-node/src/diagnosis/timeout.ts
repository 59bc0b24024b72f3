import {
  CATEGORIES_OUTSIDE_GIT,
  FailureCategory,
} from '@gort-backstage/plugin-gort-common';
import {
  isWorkload,
  KubeObject,
  objectRef,
  parseRef,
  sourceRefOf,
} from '../kube/objects';
import { ObjectIndex } from '../kube/objectIndex';
import { revisionSha } from '../reconcile/revision';
import {
  diagnose,
  isDiagnosable,
  kubeObjects,
  readyCondition,
  TargetNotFoundError,
  upstreamSourceRef,
} from './diagnose';
import { NOT_IN_GIT } from './rules';
import { isFailing } from './status';
import { boundedMessage, MAX_SUMMARY_PART, truncate } from './text';
import { Diagnosis, Evidence } from './types';
import { inspectWorkload } from './workloads';

const NOT_FIXABLE_IN_GIT = NOT_IN_GIT;

/**
 * Whether the cause lies outside the repository: a fix pull request cannot
 * help, the run should say so and open none.
 */
export function isOutsideRepository(d: {
  category: FailureCategory | string;
  fix?: string;
}): boolean {
  return (
    CATEGORIES_OUTSIDE_GIT.has(d.category as FailureCategory) ||
    (d.fix ?? '').toLowerCase().startsWith(NOT_FIXABLE_IN_GIT.toLowerCase())
  );
}

export interface TimedOutRun {
  /** The pushed commit the run waited for. */
  sha: string;
  /** The branch it was pushed to. */
  branch?: string;
  /** The branch's head now, when the SCM could be asked: tells whether the commit is still on the branch. */
  branchHead?: string;
  /** The watched object the run judged (`Kind/namespace/name`); else the first Flux object that applies. */
  target?: string;
}

function sameCommit(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.length >= 7 && y.length >= 7 && (x.startsWith(y) || y.startsWith(x));
}

const short = (sha: string) => sha.slice(0, 7);

const GIT_SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'Bucket']);

function readyText(obj: KubeObject): string {
  const ready = readyCondition(obj);
  if (!ready) return 'no Ready condition';
  const message = truncate(
    boundedMessage(String(ready.message ?? '')),
    MAX_SUMMARY_PART,
  );
  return `Ready=${ready.status ?? '?'}${
    ready.reason ? ` (${ready.reason})` : ''
  }${message ? `: "${message}"` : ''}`;
}

function statusEvidence(obj: KubeObject, extra?: string): Evidence {
  const revision = obj.status?.artifact?.revision;
  const parts = [
    readyText(obj),
    revision ? `artifact revision ${revision}` : undefined,
    obj.status?.lastAttemptedRevision
      ? `last attempted revision ${obj.status.lastAttemptedRevision}`
      : undefined,
    obj.status?.lastAppliedRevision
      ? `last applied revision ${obj.status.lastAppliedRevision}`
      : undefined,
    obj.spec?.suspend === true ? 'spec.suspend: true' : undefined,
    extra,
  ].filter(Boolean);
  return {
    source: `${objectRef(obj)} status`,
    message: boundedMessage(parts.join('; ')),
  };
}

function timedOut(
  d: Omit<Diagnosis, 'rule'> & { rule: string },
  where: string,
): Diagnosis {
  return {
    ...d,
    summary: `The run timed out ${where}: ${d.summary}`,
    rule: `timeout>${d.rule}`,
  };
}

/** The source chain of an applier: its source, and for a HelmChart the Git/OCI source behind it. */
function sourcesOf(obj: KubeObject, index: ObjectIndex): KubeObject[] {
  const chain: KubeObject[] = [];
  let ref = upstreamSourceRef(obj);
  for (let depth = 0; ref && depth < 3; depth++) {
    const found = index.find(ref, () => true);
    if (!found || chain.includes(found)) break;
    chain.push(found);
    ref = found.kind === 'HelmChart' ? sourceRefOf(found) : undefined;
  }
  return chain;
}

function firstApplier(objects: KubeObject[]): KubeObject | undefined {
  const appliers = objects.filter(
    o =>
      isDiagnosable(o) &&
      (o.kind === 'Kustomization' || o.kind === 'HelmRelease'),
  );
  return (
    appliers.find(o => readyCondition(o)?.status !== 'True') ?? appliers[0]
  );
}

/**
 * Diagnoses a run that got no verdict before its deadline by where it was
 * stuck: a failing source (its own diagnosis), a source still serving an
 * older revision (and whether the pushed commit is still on the branch, it
 * may have been force-pushed away), an applier that never started on the
 * commit, or one that applied it and waited for objects that never became
 * ready.
 */
export function diagnoseTimeout(
  input: readonly unknown[],
  run: TimedOutRun,
): Diagnosis {
  const objects = kubeObjects(input);
  const index = new ObjectIndex(objects);
  let target: KubeObject | undefined;
  if (run.target) {
    target = index.find(parseRef(run.target), isDiagnosable);
    if (!target) throw new TargetNotFoundError(run.target);
  } else {
    target = firstApplier(objects);
  }
  const pushed = short(run.sha);
  if (!target) {
    return {
      category: 'unknown',
      object: run.target ?? '(none)',
      summary: `The run timed out waiting for ${pushed}, and none of its Flux objects could be read`,
      fix: `${NOT_FIXABLE_IN_GIT}check that the watched objects exist and that GORT may read them`,
      confidence: 0.2,
      evidence: [],
      related: [],
      rule: 'timeout:no-objects',
    };
  }
  const subject = objectRef(target);
  const sources = sourcesOf(target, index);
  const related = [subject, ...sources.map(objectRef)];
  const evidence = [target, ...sources].map(o => statusEvidence(o));

  // 1. A source that fails: its own diagnosis (authentication, network, ref…).
  const failingSource = sources.find(isFailing);
  if (failingSource) {
    const d = diagnose(objects, objectRef(failingSource));
    if (d) {
      return timedOut(
        {
          ...d,
          related: unique([...d.related, ...related]).filter(
            r => r !== d.object,
          ),
          evidence: [...evidence, ...d.evidence],
        },
        `at its source ${objectRef(failingSource)}`,
      );
    }
  }

  // 2. A source still serving an older revision than the pushed commit.
  const gitSource = sources.find(
    s =>
      GIT_SOURCE_KINDS.has(String(s.kind)) &&
      revisionSha(s.status?.artifact?.revision),
  );
  const served = revisionSha(gitSource?.status?.artifact?.revision);
  if (gitSource && served && !sameCommit(served, run.sha)) {
    const ref = objectRef(gitSource);
    const followed = gitSource.spec?.ref?.branch;
    const onBranch = run.branch ? `branch ${run.branch}` : 'its branch';
    const base = {
      object: ref,
      evidence: [
        ...evidence,
        ...(run.branchHead
          ? [
              {
                source: `branch ${run.branch ?? '(pushed branch)'}`,
                message: `head is ${run.branchHead}`,
              },
            ]
          : []),
      ],
      related: related.filter(r => r !== ref),
    };
    if (run.branchHead && !sameCommit(run.branchHead, run.sha)) {
      return timedOut(
        {
          ...base,
          category: 'source-not-found',
          summary: `the pushed commit ${pushed} is no longer the head of ${onBranch} (now ${short(
            run.branchHead,
          )}; it may have been force-pushed away); ${ref} serves ${short(
            served,
          )}; ${readyText(gitSource)}`,
          fix: `${NOT_FIXABLE_IN_GIT}Flux will never apply ${pushed}; the run answers for a commit that is gone. Push again if the change is still wanted`,
          confidence: 0.85,
          rule: 'commit-not-on-branch',
        },
        `waiting for ${ref} to fetch ${pushed}`,
      );
    }
    if (followed && run.branch && followed !== run.branch) {
      return timedOut(
        {
          ...base,
          category: 'source-not-found',
          summary: `${ref} follows branch ${followed}, but ${pushed} was pushed to ${
            run.branch
          }; it serves ${short(served)}`,
          fix: `Point spec.ref.branch of ${ref} at ${run.branch}, or merge the change into ${followed}`,
          confidence: 0.8,
          rule: 'source-follows-other-branch',
        },
        `waiting for ${ref} to fetch ${pushed}`,
      );
    }
    return timedOut(
      {
        ...base,
        category: 'source-unavailable',
        summary: `${ref} still serves ${short(
          served,
        )}, not the pushed ${pushed}${
          run.branchHead ? ` (still the head of ${onBranch})` : ''
        }; ${readyText(gitSource)}`,
        fix: `${NOT_FIXABLE_IN_GIT}the source has not fetched the commit: check its spec.interval and the Git server's reachability, or run \`flux reconcile source ${String(
          gitSource.kind,
        )
          .replace('Repository', '')
          .toLowerCase()} ${gitSource.metadata?.name} -n ${
          gitSource.metadata?.namespace
        }\``,
        confidence: 0.7,
        rule: 'source-behind',
      },
      `waiting for ${ref} to fetch ${pushed}`,
    );
  }

  // 3. The applier itself: failing, never started on the commit, or waiting for its objects.
  const d = diagnose(objects, subject);
  if (d && d.category !== 'unknown') {
    return timedOut(
      { ...d, evidence: [...evidence, ...d.evidence] },
      `at ${subject}`,
    );
  }
  const attempted = revisionSha(target.status?.lastAttemptedRevision);
  if (target.spec?.suspend === true) {
    return timedOut(
      {
        category: 'unknown',
        object: subject,
        summary: `${subject} is suspended (spec.suspend: true), so Flux did not apply ${pushed}`,
        fix: `Resume it (\`flux resume ${
          target.kind === 'HelmRelease' ? 'helmrelease' : 'kustomization'
        } ${target.metadata?.name} -n ${
          target.metadata?.namespace
        }\`) or remove spec.suspend`,
        confidence: 0.9,
        evidence,
        related: related.filter(r => r !== subject),
        rule: 'applier-suspended',
      },
      `at ${subject}`,
    );
  }
  if (gitSource && attempted && !sameCommit(attempted, run.sha)) {
    return timedOut(
      {
        category: 'unknown',
        object: subject,
        summary: `${objectRef(
          gitSource,
        )} serves ${pushed}, but ${subject} has not attempted it (last attempted ${short(
          attempted,
        )}); ${readyText(target)}`,
        fix: `${NOT_FIXABLE_IN_GIT}wait for its next reconciliation or run \`flux reconcile ${
          target.kind === 'HelmRelease' ? 'helmrelease' : 'kustomization'
        } ${target.metadata?.name} -n ${
          target.metadata?.namespace
        }\`; check the controller's logs if it stays so`,
        confidence: 0.5,
        evidence,
        related: related.filter(r => r !== subject),
        rule: 'applier-not-started',
      },
      `at ${subject}`,
    );
  }
  // Applied (or applying) and waiting: the first workload that explains why.
  for (const workload of objects.filter(isWorkload)) {
    const w = inspectWorkload(workload, index);
    if (w) {
      return timedOut(
        {
          ...w,
          evidence: [...evidence, ...w.evidence],
          related: [subject, ...related.filter(r => r !== subject)],
        },
        `while ${subject} waited for its objects`,
      );
    }
  }
  return timedOut(
    {
      category: 'health-check-timeout',
      object: subject,
      summary: `${subject} did not become ready with ${pushed} before the run's deadline; ${readyText(
        target,
      )}`,
      fix: "Fix the objects that never became ready, or raise the run's gort.io/reconcile-timeout and spec.timeout",
      confidence: 0.5,
      evidence,
      related: related.filter(r => r !== subject),
      rule: 'applier-still-progressing',
    },
    `at ${subject}`,
  );
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
