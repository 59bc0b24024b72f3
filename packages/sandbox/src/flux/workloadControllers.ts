/**
 * The kube-controller-manager part of the sandbox: Deployments roll out through ReplicaSets,
 * ReplicaSets, StatefulSets, DaemonSets and Jobs own Pods, and their status follows the Pods.
 */
import { createHash, randomBytes } from 'node:crypto';
import { KubeStore, canonicalJson } from '../kube/store';
import { KubeObject } from '../kube/types';
import { getCondition } from './conditions';
import { recordEvent } from './events';
import { POD } from './kubelet';
import { DEFAULT_CLUSTER } from './scheduling';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const REPLICA_SET = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
const STATEFUL_SET = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const DAEMON_SET = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
const JOB = { apiVersion: 'batch/v1', kind: 'Job' };
const SERVICE_ACCOUNT = { apiVersion: 'v1', kind: 'ServiceAccount' };

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** Like the pod-template-hash: a stable short name suffix for a template. */
export function templateHash(template: unknown, length = 10): string {
  const digest = createHash('sha256').update(canonicalJson(template)).digest();
  return [...digest.subarray(0, length)]
    .map(b => alphabet[b % alphabet.length])
    .join('');
}

function randomSuffix(): string {
  return [...randomBytes(5)].map(b => alphabet[b % alphabet.length]).join('');
}

function ownerRef(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function isOwnedBy(obj: KubeObject, owner: KubeObject) {
  return (obj.metadata.ownerReferences ?? []).some(
    (r: any) => r.uid === owner.metadata.uid,
  );
}

function podReady(pod: KubeObject) {
  return getCondition(pod.status?.conditions, 'Ready')?.status === 'True';
}

function setStatus(
  store: KubeStore,
  ref: { apiVersion: string; kind: string },
  obj: KubeObject,
  status: any,
) {
  const current = store.tryGet(ref, obj.metadata.namespace, obj.metadata.name!);
  if (current)
    store.update(ref, { ...current, status }, { subresource: 'status' });
}

function keepTransition(previous: any[] | undefined, next: any, now: Date) {
  const old = (previous ?? []).find(c => c.type === next.type);
  const same = old && old.status === next.status;
  return {
    ...next,
    lastUpdateTime:
      same && old.reason === next.reason
        ? old.lastUpdateTime ?? iso(now)
        : iso(now),
    lastTransitionTime: same ? old.lastTransitionTime : iso(now),
  };
}

const PROBE_DEFAULTS = {
  timeoutSeconds: 1,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
};

/** The API server's defaulting for pod specs, so `kubectl describe pod` reads like a real cluster. */
function withPodDefaults(spec: any): any {
  const containers = (spec.containers ?? []).map((c: any) => {
    const probes = Object.fromEntries(
      ['livenessProbe', 'readinessProbe', 'startupProbe']
        .filter(p => c[p])
        .map(p => [p, { ...PROBE_DEFAULTS, ...c[p] }]),
    );
    return {
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
      ...c,
      ...probes,
    };
  });
  return {
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    terminationGracePeriodSeconds: 30,
    serviceAccountName: 'default',
    ...spec,
    containers,
  };
}

export class WorkloadControllers {
  constructor(private readonly store: KubeStore) {}

  step(now: Date): void {
    for (const step of [
      () => this.deployments(now),
      () => this.replicaSets(now),
      () => this.statefulSets(now),
      () => this.daemonSets(now),
      () => this.jobs(now),
    ]) {
      try {
        step();
      } catch {
        // Objects can vanish between list and write; the next tick reconciles again.
      }
    }
  }

  private podsOf(owner: KubeObject) {
    return this.store
      .list(POD, { namespace: owner.metadata.namespace })
      .items.filter(p => isOwnedBy(p, owner));
  }

  private missingServiceAccount(owner: KubeObject): string | undefined {
    const sa =
      owner.spec?.template?.spec?.serviceAccountName ??
      owner.spec?.template?.spec?.serviceAccount;
    if (!sa || sa === 'default') return undefined;
    return this.store.tryGet(SERVICE_ACCOUNT, owner.metadata.namespace, sa)
      ? undefined
      : sa;
  }

  private createPod(
    owner: KubeObject,
    name: string,
    extraLabels: Record<string, string>,
    now: Date,
  ): boolean {
    const missingSa = this.missingServiceAccount(owner);
    if (missingSa) {
      const message = `Error creating: pods "${owner.metadata.name}-" is forbidden: error looking up service account ${owner.metadata.namespace}/${missingSa}: serviceaccount "${missingSa}" not found`;
      recordEvent(
        this.store,
        owner,
        {
          type: 'Warning',
          reason: 'FailedCreate',
          message,
          component: `${owner.kind.toLowerCase()}-controller`,
        },
        now,
      );
      return false;
    }
    const template = owner.spec?.template ?? {};
    this.store.create(POD, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
        annotations: template.metadata?.annotations,
        ownerReferences: [ownerRef(owner)],
      },
      spec: withPodDefaults(structuredClone(template.spec ?? {})),
    });
    recordEvent(
      this.store,
      owner,
      {
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message: `Created pod: ${name}`,
        component: `${owner.kind.toLowerCase()}-controller`,
      },
      now,
    );
    return true;
  }

  private deployments(now: Date) {
    for (const d of this.store.list(DEPLOYMENT).items) {
      const desired = d.spec?.replicas ?? 1;
      const hash = templateHash(d.spec?.template);
      const owned = this.store
        .list(REPLICA_SET, { namespace: d.metadata.namespace })
        .items.filter(rs => isOwnedBy(rs, d));
      let newRs = owned.find(
        rs => rs.metadata.labels?.['pod-template-hash'] === hash,
      );
      if (!newRs) {
        const name = `${d.metadata.name}-${hash}`;
        newRs = this.store.create(REPLICA_SET, {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name,
            namespace: d.metadata.namespace,
            labels: {
              ...(d.spec?.template?.metadata?.labels ?? {}),
              'pod-template-hash': hash,
            },
            ownerReferences: [ownerRef(d)],
          },
          spec: {
            replicas: desired,
            selector: {
              matchLabels: {
                ...(d.spec?.selector?.matchLabels ?? {}),
                'pod-template-hash': hash,
              },
            },
            template: {
              ...d.spec?.template,
              metadata: {
                ...(d.spec?.template?.metadata ?? {}),
                labels: {
                  ...(d.spec?.template?.metadata?.labels ?? {}),
                  'pod-template-hash': hash,
                },
              },
            },
          },
        });
        recordEvent(
          this.store,
          d,
          {
            type: 'Normal',
            reason: 'ScalingReplicaSet',
            message: `Scaled up replica set ${name} to ${desired}`,
            component: 'deployment-controller',
          },
          now,
        );
      } else if (newRs.spec?.replicas !== desired) {
        newRs = this.store.update(REPLICA_SET, {
          ...newRs,
          spec: { ...newRs.spec, replicas: desired },
        });
      }
      const newAvailable = newRs.status?.availableReplicas ?? 0;
      const oldSets = owned.filter(
        rs => rs.metadata.uid !== newRs!.metadata.uid,
      );
      if (newAvailable >= desired) {
        for (const old of oldSets) {
          if ((old.spec?.replicas ?? 0) > 0) {
            this.store.update(REPLICA_SET, {
              ...old,
              spec: { ...old.spec, replicas: 0 },
            });
            recordEvent(
              this.store,
              d,
              {
                type: 'Normal',
                reason: 'ScalingReplicaSet',
                message: `Scaled down replica set ${old.metadata.name} to 0 from ${old.spec?.replicas}`,
                component: 'deployment-controller',
              },
              now,
            );
          }
        }
      }
      const sets = this.store
        .list(REPLICA_SET, { namespace: d.metadata.namespace })
        .items.filter(rs => isOwnedBy(rs, d));
      const sum = (f: (rs: KubeObject) => number) =>
        sets.reduce((n, rs) => n + f(rs), 0);
      const replicas = sum(rs => rs.status?.replicas ?? 0);
      const available = sum(rs => rs.status?.availableReplicas ?? 0);
      const ready = sum(rs => rs.status?.readyReplicas ?? 0);
      const updated = newRs.status?.replicas ?? 0;
      const maxUnavailable = Math.floor(desired * 0.25);
      const complete =
        updated === desired && newAvailable === desired && replicas === desired;
      const previous = d.status?.conditions;
      const failure = getCondition(newRs.status?.conditions, 'ReplicaFailure');
      const conditions = [
        keepTransition(
          previous,
          available >= desired - maxUnavailable
            ? {
                type: 'Available',
                status: 'True',
                reason: 'MinimumReplicasAvailable',
                message: 'Deployment has minimum availability.',
              }
            : {
                type: 'Available',
                status: 'False',
                reason: 'MinimumReplicasUnavailable',
                message: 'Deployment does not have minimum availability.',
              },
          now,
        ),
        keepTransition(
          previous,
          complete
            ? {
                type: 'Progressing',
                status: 'True',
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${newRs.metadata.name}" has successfully progressed.`,
              }
            : {
                type: 'Progressing',
                status: 'True',
                reason: 'ReplicaSetUpdated',
                message: `ReplicaSet "${newRs.metadata.name}" is progressing.`,
              },
          now,
        ),
        ...(failure
          ? [
              keepTransition(
                previous,
                {
                  type: 'ReplicaFailure',
                  status: 'True',
                  reason: failure.reason,
                  message: failure.message,
                },
                now,
              ),
            ]
          : []),
      ];
      setStatus(this.store, DEPLOYMENT, d, {
        observedGeneration: d.metadata.generation,
        replicas,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: available,
        ...(replicas - available > 0
          ? { unavailableReplicas: Math.max(0, desired - available) }
          : {}),
        conditions,
      });
    }
  }

  private replicaSets(now: Date) {
    for (const rs of this.store.list(REPLICA_SET).items) {
      const desired = rs.spec?.replicas ?? 1;
      let pods = this.podsOf(rs);
      let failure: any;
      for (let i = pods.length; i < desired; i++) {
        if (
          !this.createPod(rs, `${rs.metadata.name}-${randomSuffix()}`, {}, now)
        ) {
          const sa = this.missingServiceAccount(rs);
          failure = {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message: `pods "${rs.metadata.name}-" is forbidden: error looking up service account ${rs.metadata.namespace}/${sa}: serviceaccount "${sa}" not found`,
            lastTransitionTime: iso(now),
          };
          break;
        }
      }
      for (const extra of pods.slice(desired))
        this.store.delete(POD, extra.metadata.namespace, extra.metadata.name!);
      pods = this.podsOf(rs);
      const ready = pods.filter(podReady).length;
      setStatus(this.store, REPLICA_SET, rs, {
        observedGeneration: rs.metadata.generation,
        replicas: pods.length,
        fullyLabeledReplicas: pods.length,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(failure ? { conditions: [failure] } : {}),
      });
    }
  }

  private statefulSets(now: Date) {
    for (const sts of this.store.list(STATEFUL_SET).items) {
      const desired = sts.spec?.replicas ?? 1;
      const revision = `${sts.metadata.name}-${templateHash(
        sts.spec?.template,
      )}`;
      let pods = this.podsOf(sts);
      for (const pod of pods) {
        const ordinal = Number(
          pod.metadata.name!.slice(sts.metadata.name!.length + 1),
        );
        if (
          pod.metadata.labels?.['controller-revision-hash'] !== revision ||
          ordinal >= desired
        ) {
          this.store.delete(POD, pod.metadata.namespace, pod.metadata.name!);
        }
      }
      pods = this.podsOf(sts);
      for (let i = 0; i < desired; i++) {
        const name = `${sts.metadata.name}-${i}`;
        if (!pods.some(p => p.metadata.name === name)) {
          this.createPod(
            sts,
            name,
            {
              'controller-revision-hash': revision,
              'statefulset.kubernetes.io/pod-name': name,
            },
            now,
          );
          break; // OrderedReady: one pod at a time
        }
        if (!podReady(pods.find(p => p.metadata.name === name)!)) break;
      }
      pods = this.podsOf(sts);
      const ready = pods.filter(podReady).length;
      setStatus(this.store, STATEFUL_SET, sts, {
        observedGeneration: sts.metadata.generation,
        replicas: pods.length,
        readyReplicas: ready,
        currentReplicas: pods.length,
        updatedReplicas: pods.length,
        availableReplicas: ready,
        currentRevision: revision,
        updateRevision: revision,
      });
    }
  }

  private daemonSets(now: Date) {
    const nodes = DEFAULT_CLUSTER.nodes;
    for (const ds of this.store.list(DAEMON_SET).items) {
      const hash = templateHash(ds.spec?.template);
      let pods = this.podsOf(ds);
      for (const pod of pods) {
        if (pod.metadata.labels?.['controller-revision-hash'] !== hash)
          this.store.delete(POD, pod.metadata.namespace, pod.metadata.name!);
      }
      pods = this.podsOf(ds);
      for (let i = pods.length; i < nodes.length; i++) {
        this.createPod(
          ds,
          `${ds.metadata.name}-${randomSuffix()}`,
          { 'controller-revision-hash': hash },
          now,
        );
      }
      pods = this.podsOf(ds);
      const ready = pods.filter(podReady).length;
      setStatus(this.store, DAEMON_SET, ds, {
        observedGeneration: ds.metadata.generation,
        desiredNumberScheduled: nodes.length,
        currentNumberScheduled: pods.length,
        updatedNumberScheduled: pods.length,
        numberReady: ready,
        numberAvailable: ready,
        numberMisscheduled: 0,
      });
    }
  }

  private jobs(now: Date) {
    for (const job of this.store.list(JOB).items) {
      if (
        getCondition(job.status?.conditions, 'Complete') ||
        getCondition(job.status?.conditions, 'Failed')
      )
        continue;
      const pods = this.podsOf(job);
      const failed = pods.filter(p => p.status?.phase === 'Failed').length;
      const succeeded = pods.filter(
        p => p.status?.phase === 'Succeeded',
      ).length;
      const active = pods.length - failed - succeeded;
      const backoffLimit = job.spec?.backoffLimit ?? 6;
      const conditions: any[] = [];
      if (succeeded >= (job.spec?.completions ?? 1)) {
        conditions.push({
          type: 'Complete',
          status: 'True',
          lastProbeTime: iso(now),
          lastTransitionTime: iso(now),
        });
      } else if (failed > backoffLimit) {
        conditions.push({
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
          lastProbeTime: iso(now),
          lastTransitionTime: iso(now),
        });
        recordEvent(
          this.store,
          job,
          {
            type: 'Warning',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            component: 'job-controller',
          },
          now,
        );
      } else if (active === 0) {
        this.createPod(
          job,
          `${job.metadata.name}-${randomSuffix()}`,
          { 'batch.kubernetes.io/job-name': job.metadata.name! },
          now,
        );
      }
      setStatus(this.store, JOB, job, {
        ...(job.status?.startTime
          ? { startTime: job.status.startTime }
          : { startTime: iso(now) }),
        active: Math.max(0, active),
        succeeded,
        failed,
        ...(conditions.length ? { conditions } : {}),
      });
    }
  }
}
