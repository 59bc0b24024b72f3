/** kstatus-like health of applied objects, as Flux's health checks see them (pure). */
import { getCondition } from './conditions';

export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'NotFound';

export function objectHealth(obj: any | undefined): HealthStatus {
  if (!obj) return 'NotFound';
  const generation = obj.metadata?.generation;
  const status = obj.status ?? {};
  const observedStale =
    status.observedGeneration !== undefined &&
    generation !== undefined &&
    status.observedGeneration < generation;
  switch (obj.kind) {
    case 'Deployment': {
      if (status.observedGeneration === undefined || observedStale)
        return 'InProgress';
      const progressing = getCondition(status.conditions, 'Progressing');
      if (
        progressing?.status === 'False' &&
        progressing.reason === 'ProgressDeadlineExceeded'
      )
        return 'Failed';
      const desired = obj.spec?.replicas ?? 1;
      if ((status.updatedReplicas ?? 0) < desired) return 'InProgress';
      if ((status.replicas ?? 0) > (status.updatedReplicas ?? 0))
        return 'InProgress';
      if ((status.availableReplicas ?? 0) < desired) return 'InProgress';
      return 'Current';
    }
    case 'StatefulSet':
    case 'ReplicaSet': {
      if (status.observedGeneration === undefined || observedStale)
        return 'InProgress';
      const desired = obj.spec?.replicas ?? 1;
      return (status.readyReplicas ?? 0) >= desired ? 'Current' : 'InProgress';
    }
    case 'DaemonSet': {
      if (status.observedGeneration === undefined || observedStale)
        return 'InProgress';
      return (status.numberReady ?? 0) >=
        (status.desiredNumberScheduled ?? 0) &&
        status.desiredNumberScheduled !== undefined
        ? 'Current'
        : 'InProgress';
    }
    case 'Job': {
      if (getCondition(status.conditions, 'Failed')?.status === 'True')
        return 'Failed';
      if (getCondition(status.conditions, 'Complete')?.status === 'True')
        return 'Current';
      return 'InProgress';
    }
    case 'Pod': {
      if (status.phase === 'Succeeded') return 'Current';
      if (status.phase === 'Failed') return 'Failed';
      return getCondition(status.conditions, 'Ready')?.status === 'True'
        ? 'Current'
        : 'InProgress';
    }
    case 'Kustomization':
    case 'HelmRelease':
    case 'GitRepository':
    case 'HelmRepository':
    case 'OCIRepository':
    case 'HelmChart': {
      if (getCondition(status.conditions, 'Stalled')?.status === 'True')
        return 'Failed';
      const ready = getCondition(status.conditions, 'Ready');
      return ready?.status === 'True' && !observedStale
        ? 'Current'
        : 'InProgress';
    }
    default:
      return 'Current';
  }
}
