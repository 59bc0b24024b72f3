/**
 * Scheduler and kubelet stand-in: moves each Pod through scheduling, image pull, start, crash
 * loops and OOM kills one step per tick, writing container statuses, logs and events.
 */
import { randomBytes } from 'node:crypto';
import { KubeStore } from '../kube/store';
import { KubeObject } from '../kube/types';
import { recordEvent } from './events';
import {
  ContainerOutcome,
  lookupImage,
  parseImage,
  runContainer,
} from './images';
import { DEFAULT_CLUSTER, SandboxCluster, schedulePod } from './scheduling';

export const POD = { apiVersion: 'v1', kind: 'Pod' };

type ContainerStage =
  | 'pull-error'
  | 'pull-backoff'
  | 'running'
  | 'crashed'
  | 'crash-backoff'
  | 'completed';

interface ContainerState {
  stage: ContainerStage;
  outcome: ContainerOutcome;
  ticksInStage: number;
  startedAt: string;
  containerId: string;
}

interface PodState {
  stage: 'unschedulable' | 'creating' | 'started';
  ticksInStage: number;
  containers: Map<string, ContainerState>;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class Kubelet {
  private readonly pods = new Map<string, PodState>();
  private podCounter = 0;

  constructor(
    private readonly store: KubeStore,
    private readonly options: {
      cluster?: SandboxCluster;
      crashLoopTicks?: number;
      imagePullRetryTicks?: number;
    } = {},
  ) {}

  step(now: Date): void {
    const live = new Set<string>();
    for (const pod of this.store.list(POD).items) {
      live.add(pod.metadata.uid!);
      try {
        this.stepPod(pod, now);
      } catch {
        // The pod may have been deleted meanwhile; the next tick sees the new state.
      }
    }
    for (const uid of [...this.pods.keys()])
      if (!live.has(uid)) this.pods.delete(uid);
    for (const key of [...this.restarts.keys()])
      if (!live.has(key.split('/')[0])) this.restarts.delete(key);
  }

  private event(
    pod: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    now: Date,
    component = 'kubelet',
  ) {
    recordEvent(
      this.store,
      pod,
      { type, reason, message, component, host: pod.spec?.nodeName },
      now,
    );
  }

  private stepPod(pod: KubeObject, now: Date) {
    const uid = pod.metadata.uid!;
    let state = this.pods.get(uid);
    if (!state) {
      state = {
        stage: 'unschedulable',
        ticksInStage: 0,
        containers: new Map(),
      };
      this.pods.set(uid, state);
      this.schedule(pod, state, now);
      return;
    }
    state.ticksInStage++;
    if (state.stage === 'unschedulable') {
      if (state.ticksInStage % 5 === 0) this.schedule(pod, state, now);
      return;
    }
    if (state.stage === 'creating') {
      this.startContainers(pod, state, now);
      return;
    }
    this.advanceContainers(pod, state, now);
  }

  private schedule(pod: KubeObject, state: PodState, now: Date) {
    const cluster = this.options.cluster ?? DEFAULT_CLUSTER;
    const result = schedulePod(pod.metadata.name!, pod.spec, cluster);
    if (!result.scheduled) {
      this.writeStatus(pod, {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: result.message,
            lastTransitionTime: iso(now),
          },
        ],
        qosClass: 'Burstable',
      });
      this.event(
        pod,
        'Warning',
        'FailedScheduling',
        result.message,
        now,
        'default-scheduler',
      );
      return;
    }
    const bound = this.store.update(POD, {
      ...pod,
      spec: { ...pod.spec, nodeName: result.node },
    });
    const nodeIndex = cluster.nodes.indexOf(result.node) + 1;
    this.writeStatus(bound, {
      phase: 'Pending',
      hostIP: `172.18.0.${nodeIndex + 1}`,
      podIP: `10.244.${nodeIndex}.${(this.podCounter % 250) + 2}`,
      podIPs: [{ ip: `10.244.${nodeIndex}.${(this.podCounter++ % 250) + 2}` }],
      startTime: iso(now),
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: iso(now) },
        { type: 'Initialized', status: 'True', lastTransitionTime: iso(now) },
        {
          type: 'ContainersReady',
          status: 'False',
          reason: 'ContainersNotReady',
          lastTransitionTime: iso(now),
        },
        {
          type: 'Ready',
          status: 'False',
          reason: 'ContainersNotReady',
          lastTransitionTime: iso(now),
        },
      ],
      containerStatuses: (bound.spec?.containers ?? []).map((c: any) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
      })),
    });
    this.event(
      bound,
      'Normal',
      'Scheduled',
      `Successfully assigned ${bound.metadata.namespace}/${bound.metadata.name} to ${result.node}`,
      now,
      'default-scheduler',
    );
    for (const c of bound.spec?.containers ?? [])
      this.event(bound, 'Normal', 'Pulling', `Pulling image "${c.image}"`, now);
    state.stage = 'creating';
    state.ticksInStage = 0;
  }

  private startContainers(pod: KubeObject, state: PodState, now: Date) {
    const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
    for (const c of pod.spec?.containers ?? []) {
      const outcome = runContainer(c, now);
      const containerState: ContainerState = {
        stage: 'running',
        outcome,
        ticksInStage: 0,
        startedAt: iso(now),
        containerId: `containerd://${randomBytes(32).toString('hex')}`,
      };
      state.containers.set(c.name, containerState);
      if (outcome.kind === 'image-not-found') {
        containerState.stage = 'pull-error';
        this.event(
          pod,
          'Warning',
          'Failed',
          `Failed to pull image "${c.image}": ${outcome.message}`,
          now,
        );
        this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', now);
        continue;
      }
      this.event(
        pod,
        'Normal',
        'Pulled',
        `Successfully pulled image "${c.image}" in 1.204s (1.204s including waiting). Image size: ${outcome.sizeBytes} bytes.`,
        now,
      );
      this.event(pod, 'Normal', 'Created', `Created container ${c.name}`, now);
      this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, now);
      this.store.logs.append(
        pod.metadata.namespace!,
        pod.metadata.name!,
        c.name,
        ...outcome.logs,
      );
      const app = lookupImage(c.image);
      const completes =
        outcome.kind === 'runs' &&
        restartPolicy !== 'Always' &&
        app?.app === 'idle';
      if (outcome.kind === 'exits') containerState.stage = 'crashed';
      else if (completes) containerState.stage = 'completed';
    }
    state.stage = 'started';
    state.ticksInStage = 0;
    this.writeContainerStatuses(pod, state, now);
  }

  private advanceContainers(pod: KubeObject, state: PodState, now: Date) {
    const crashLoopTicks = this.options.crashLoopTicks ?? 2;
    const pullRetryTicks = this.options.imagePullRetryTicks ?? 4;
    const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
    let changed = false;
    for (const c of pod.spec?.containers ?? []) {
      const cs = state.containers.get(c.name);
      if (!cs) continue;
      cs.ticksInStage++;
      const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
      if (cs.stage === 'pull-error' && cs.ticksInStage >= 1) {
        cs.stage = 'pull-backoff';
        cs.ticksInStage = 0;
        this.event(
          pod,
          'Normal',
          'BackOff',
          `Back-off pulling image "${c.image}"`,
          now,
        );
        this.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', now);
        changed = true;
      } else if (
        cs.stage === 'pull-backoff' &&
        cs.ticksInStage >= pullRetryTicks
      ) {
        cs.stage = 'pull-error';
        cs.ticksInStage = 0;
        const message =
          cs.outcome.kind === 'image-not-found' ? cs.outcome.message : '';
        this.event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, now);
        this.event(
          pod,
          'Warning',
          'Failed',
          `Failed to pull image "${c.image}": ${message}`,
          now,
        );
        this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', now);
        changed = true;
      } else if (
        (cs.stage === 'crashed' || cs.stage === 'crash-backoff') &&
        cs.ticksInStage >= this.backoffTicks(pod, c.name, crashLoopTicks) &&
        restartPolicy !== 'Never'
      ) {
        // The kubelet restarts the container; the finished instance's log becomes `--previous`.
        const restarts = this.restartCount(pod, c.name) + 1;
        this.store.logs.restart(
          pod.metadata.namespace!,
          pod.metadata.name!,
          c.name,
        );
        if (cs.outcome.kind !== 'image-not-found') {
          this.store.logs.append(
            pod.metadata.namespace!,
            pod.metadata.name!,
            c.name,
            ...cs.outcome.logs,
          );
        }
        cs.stage = 'crash-backoff';
        cs.ticksInStage = 0;
        cs.startedAt = iso(now);
        this.setRestartCount(pod, c.name, restarts);
        this.event(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${c.name} in pod ${podRef}`,
          now,
        );
        changed = true;
      }
    }
    if (changed) this.writeContainerStatuses(pod, state, now);
  }

  private readonly restarts = new Map<string, number>();

  /** The kubelet doubles the restart back-off (10s, 20s, 40s … 5m); here in ticks. */
  private backoffTicks(
    pod: KubeObject,
    container: string,
    base: number,
  ): number {
    const restarts = this.restartCount(pod, container);
    return Math.min(base * 2 ** Math.max(0, restarts - 1), base * 30);
  }

  private restartCount(pod: KubeObject, container: string): number {
    return this.restarts.get(`${pod.metadata.uid}/${container}`) ?? 0;
  }

  private setRestartCount(pod: KubeObject, container: string, n: number) {
    this.restarts.set(`${pod.metadata.uid}/${container}`, n);
  }

  private containerStatus(
    pod: KubeObject,
    c: any,
    cs: ContainerState,
    now: Date,
  ) {
    const restartCount = this.restartCount(pod, c.name);
    const ref = parseImage(c.image ?? '');
    const base = {
      name: c.name,
      image: c.image,
      imageID:
        cs.outcome.kind === 'image-not-found'
          ? ''
          : `${ref.repository}@sha256:${randomBytes(32)
              .toString('hex')
              .slice(0, 64)}`,
      restartCount,
    };
    const terminated = (finishedAt: string) =>
      cs.outcome.kind === 'exits'
        ? {
            exitCode: cs.outcome.exitCode,
            reason: cs.outcome.reason,
            startedAt: cs.startedAt,
            finishedAt,
            containerID: cs.containerId,
          }
        : {
            exitCode: 0,
            reason: 'Completed',
            startedAt: cs.startedAt,
            finishedAt,
            containerID: cs.containerId,
          };
    switch (cs.stage) {
      case 'pull-error':
        return {
          ...base,
          ready: false,
          started: false,
          state: {
            waiting: {
              reason: 'ErrImagePull',
              message:
                cs.outcome.kind === 'image-not-found' ? cs.outcome.message : '',
            },
          },
        };
      case 'pull-backoff':
        return {
          ...base,
          ready: false,
          started: false,
          state: {
            waiting: {
              reason: 'ImagePullBackOff',
              message: `Back-off pulling image "${c.image}"`,
            },
          },
        };
      case 'running':
        return {
          ...base,
          ready: true,
          started: true,
          containerID: cs.containerId,
          state: { running: { startedAt: cs.startedAt } },
        };
      case 'completed':
        return {
          ...base,
          ready: false,
          started: false,
          containerID: cs.containerId,
          state: { terminated: terminated(iso(now)) },
        };
      case 'crashed':
        return {
          ...base,
          ready: false,
          started: false,
          containerID: cs.containerId,
          state: { terminated: terminated(iso(now)) },
        };
      case 'crash-backoff': {
        const backoff = Math.min(10 * 2 ** Math.max(0, restartCount - 1), 300);
        const backoffText =
          backoff >= 60
            ? `${Math.floor(backoff / 60)}m${backoff % 60}s`
            : `${backoff}s`;
        return {
          ...base,
          ready: false,
          started: false,
          containerID: cs.containerId,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${backoffText} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
            },
          },
          lastState: { terminated: terminated(cs.startedAt) },
        };
      }
      default:
        return base;
    }
  }

  private writeContainerStatuses(pod: KubeObject, state: PodState, now: Date) {
    const current = this.store.tryGet(
      POD,
      pod.metadata.namespace,
      pod.metadata.name!,
    );
    if (!current) return;
    const statuses = (current.spec?.containers ?? []).map((c: any) =>
      this.containerStatus(current, c, state.containers.get(c.name)!, now),
    );
    const allReady = statuses.every((s: any) => s.ready);
    const stages = [...state.containers.values()].map(c => c.stage);
    const restartPolicy = current.spec?.restartPolicy ?? 'Always';
    let phase = 'Running';
    if (stages.every(s => s === 'completed')) phase = 'Succeeded';
    else if (restartPolicy === 'Never' && stages.some(s => s === 'crashed'))
      phase = 'Failed';
    else if (stages.some(s => s === 'pull-error' || s === 'pull-backoff'))
      phase = 'Pending';
    const readyStatus = allReady ? 'True' : 'False';
    const conditions = (current.status?.conditions ?? []).map((cond: any) =>
      cond.type === 'Ready' || cond.type === 'ContainersReady'
        ? {
            type: cond.type,
            status: readyStatus,
            ...(allReady
              ? {}
              : {
                  reason: 'ContainersNotReady',
                  message: `containers with unready status: [${statuses
                    .filter((s: any) => !s.ready)
                    .map((s: any) => s.name)
                    .join(' ')}]`,
                }),
            lastTransitionTime:
              cond.status === readyStatus ? cond.lastTransitionTime : iso(now),
          }
        : cond,
    );
    this.writeStatus(current, {
      ...(current.status ?? {}),
      phase,
      conditions,
      containerStatuses: statuses,
    });
  }

  private writeStatus(pod: KubeObject, status: any) {
    const current = this.store.tryGet(
      POD,
      pod.metadata.namespace,
      pod.metadata.name!,
    );
    if (!current) return;
    this.store.update(POD, { ...current, status }, { subresource: 'status' });
  }
}
