import { detectErrors } from '@backstage/plugin-kubernetes-common';
import type { FailureCategory } from '@gort-backstage/plugin-gort-common';
import { ObjectIndex } from '../kube/objectIndex';
import {
  conditionsOf,
  eventMessage,
  eventTarget,
  KubeObject,
  objectRef,
} from '../kube/objects';
import { classify, Classification } from './classify';
import { boundedMessage } from './text';
import { Evidence } from './types';

export interface WorkloadFinding {
  category: FailureCategory;
  rule: string;
  confidence: number;
  /** The workload (Deployment, StatefulSet, DaemonSet, Job) the finding is about. */
  object: string;
  summary: string;
  fix: string;
  evidence: Evidence[];
}

/** Lower is more telling: an image that cannot be pulled explains a crash loop of nothing. */
const CATEGORY_PRIORITY: Partial<Record<FailureCategory, number>> = {
  'image-pull': 1,
  'oom-killed': 2,
  'missing-dependency-object': 3,
  unschedulable: 4,
  'admission-webhook': 5,
  'rbac-forbidden': 5,
  'workload-failed': 6,
};
const MAX_PODS = 20;

interface Signal {
  source: string;
  text: string;
}

function matchLabels(workload: KubeObject): Record<string, string> | undefined {
  const labels = workload.spec?.selector?.matchLabels;
  return labels && typeof labels === 'object' && Object.keys(labels).length > 0
    ? labels
    : undefined;
}

function ownedBy(pod: KubeObject, workload: KubeObject): boolean {
  const name = workload.metadata?.name ?? '';
  return (pod.metadata?.ownerReferences ?? []).some(owner =>
    workload.kind === 'Deployment'
      ? owner.kind === 'ReplicaSet' && (owner.name ?? '').startsWith(`${name}-`)
      : owner.kind === workload.kind && owner.name === name,
  );
}

export function podsOf(workload: KubeObject, index: ObjectIndex): KubeObject[] {
  const namespace = workload.metadata?.namespace;
  const selector = matchLabels(workload);
  // Pods printed without a namespace (a namespaced `kubectl get`) may belong to any workload.
  const candidates = namespace
    ? [...index.podsIn(namespace), ...index.podsIn(undefined)]
    : index.podsIn(undefined);
  return candidates
    .filter(pod => {
      if (ownedBy(pod, workload)) return true;
      if (!selector) return false;
      const labels = pod.metadata?.labels ?? {};
      return Object.entries(selector).every(
        ([key, value]) => labels[key] === value,
      );
    })
    .slice(0, MAX_PODS);
}

function containerSignals(pod: KubeObject): Signal[] {
  const statuses = [
    ...(Array.isArray(pod.status?.initContainerStatuses)
      ? pod.status.initContainerStatuses
      : []),
    ...(Array.isArray(pod.status?.containerStatuses)
      ? pod.status.containerStatuses
      : []),
  ];
  const signals: Signal[] = [];
  for (const cs of statuses) {
    const waiting = cs?.state?.waiting;
    const terminated = cs?.state?.terminated;
    const lastTerminated = cs?.lastState?.terminated;
    const parts: string[] = [];
    if (waiting?.reason)
      parts.push(
        `waiting: ${waiting.reason}${
          waiting.message ? ` (${waiting.message})` : ''
        }`,
      );
    if (terminated?.reason && terminated.reason !== 'Completed') {
      parts.push(
        `terminated: ${terminated.reason}, exit code ${
          terminated.exitCode ?? '?'
        }`,
      );
    }
    if (lastTerminated?.reason && lastTerminated.reason !== 'Completed') {
      parts.push(
        `last terminated: ${lastTerminated.reason}, exit code ${
          lastTerminated.exitCode ?? '?'
        }`,
      );
    }
    if (parts.length > 0) {
      signals.push({
        source: `${objectRef(pod)} container ${cs.name ?? '?'} (restarts: ${
          cs.restartCount ?? 0
        })`,
        text: parts.join('; '),
      });
    }
  }
  return signals;
}

function schedulingSignals(pod: KubeObject): Signal[] {
  return conditionsOf(pod)
    .filter(c => c.type === 'PodScheduled' && c.status === 'False')
    .map(c => ({
      source: `${objectRef(pod)} condition PodScheduled`,
      text: `${c.reason ?? ''}: ${c.message ?? ''}`,
    }));
}

/** Pod errors as Backstage's Kubernetes plugin detects them (readiness, restarts, waiting). */
function backstageSignals(pods: KubeObject[]): Signal[] {
  const detected = detectErrors({
    items: [
      {
        cluster: { name: 'input' },
        resources: [{ type: 'pods', resources: pods as any[] }],
        podMetrics: [],
        errors: [],
      },
    ],
  });
  return (detected.get('input') ?? []).map(error => ({
    source: `Pod/${error.sourceRef.namespace}/${error.sourceRef.name} (${error.type})`,
    text: `${error.proposedFix?.errorType ?? error.type}: ${error.message}`,
  }));
}

function warningEventSignals(index: ObjectIndex, obj: KubeObject): Signal[] {
  return index
    .eventsFor(obj)
    .filter(e => e.type !== 'Normal')
    .map(e => ({
      source: `event on ${objectRef(obj)}`,
      text: `${e.reason ?? ''}: ${eventMessage(e)}`,
    }));
}

/** ReplicaSets of a Deployment report FailedCreate (quota, PodSecurity, missing service account). */
function replicaSetEventSignals(
  index: ObjectIndex,
  workload: KubeObject,
): Signal[] {
  if (workload.kind !== 'Deployment') return [];
  const prefix = `${workload.metadata?.name}-`;
  return index
    .eventsOfKind('ReplicaSet', workload.metadata?.namespace)
    .filter(
      e =>
        (eventTarget(e)?.name ?? '').startsWith(prefix) && e.type !== 'Normal',
    )
    .map(e => ({
      source: `event on ReplicaSet/${e.involvedObject?.namespace ?? ''}/${
        e.involvedObject?.name ?? ''
      }`,
      text: `${e.reason ?? ''}: ${eventMessage(e)}`,
    }));
}

function workloadConditionSignals(workload: KubeObject): Signal[] {
  return conditionsOf(workload)
    .filter(
      c =>
        (c.type === 'Progressing' && c.status === 'False') ||
        (c.type === 'ReplicaFailure' && c.status === 'True') ||
        (c.type === 'Failed' && c.status === 'True'),
    )
    .map(c => ({
      source: `${objectRef(workload)} condition ${c.type}`,
      text: `${c.reason ?? ''}: ${c.message ?? ''}`,
    }));
}

function better(a: Classification, b: Classification | undefined): boolean {
  if (!b) return true;
  const pa = CATEGORY_PRIORITY[a.rule.category] ?? 9;
  const pb = CATEGORY_PRIORITY[b.rule.category] ?? 9;
  return pa < pb || (pa === pb && a.rule.confidence > b.rule.confidence);
}

/** Why a workload is not ready, read from its pods, conditions and events; undefined when nothing explains it. */
export function inspectWorkload(
  workload: KubeObject,
  index: ObjectIndex,
): WorkloadFinding | undefined {
  const ref = objectRef(workload);
  const pods = podsOf(workload, index);
  const signals: Signal[] = [
    ...workloadConditionSignals(workload),
    ...pods.flatMap(containerSignals),
    ...pods.flatMap(schedulingSignals),
    ...pods.flatMap(pod => warningEventSignals(index, pod)),
    ...warningEventSignals(index, workload),
    ...replicaSetEventSignals(index, workload),
    ...backstageSignals(pods),
  ];
  let best: Classification | undefined;
  const evidence: Evidence[] = [];
  for (const signal of signals) {
    const found = classify({
      message: signal.text,
      scope: 'workload',
      subject: ref,
    });
    if (!found || !(found.rule.category in CATEGORY_PRIORITY)) continue;
    // The workload, not the pod, is what Git describes.
    found.context.named = ref;
    evidence.push({
      source: signal.source,
      message: boundedMessage(signal.text),
    });
    if (better(found, best)) best = found;
  }
  if (!best) return undefined;
  return {
    category: best.rule.category,
    rule: best.rule.name,
    confidence: best.rule.confidence,
    object: ref,
    summary: best.rule.summary(best.captures, best.context),
    fix: best.rule.fix(best.captures, best.context),
    evidence,
  };
}
