/** Status transitions of a Kustomization in kustomize-controller's words (pure). */
import { KubeObject } from '../kube/types';
import {
  Condition,
  getCondition,
  removeCondition,
  setCondition,
} from './conditions';
import { REQUESTED_AT } from './gitRepositoryReconciler';

export const KUSTOMIZATION = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
};

export type FailureReason =
  | 'ArtifactFailed'
  | 'BuildFailed'
  | 'ReconciliationFailed'
  | 'HealthCheckFailed'
  | 'PruneFailed'
  | 'DependencyNotReady';

/** Ready=Unknown and Reconciling=True at the start of an attempt. */
export function markProgressing(
  obj: KubeObject,
  message: string,
  now: Date,
): any {
  const wasFailing =
    getCondition(obj.status?.conditions, 'Ready')?.status === 'False';
  let conditions = setCondition(
    obj.status?.conditions,
    {
      type: 'Ready',
      status: 'Unknown',
      reason: 'Progressing',
      message: 'Reconciliation in progress',
    },
    now,
  );
  conditions = setCondition(
    conditions,
    {
      type: 'Reconciling',
      status: 'True',
      reason: wasFailing ? 'ProgressingWithRetry' : 'Progressing',
      message,
    },
    now,
  );
  return { ...(obj.status ?? {}), conditions };
}

export function markReconcilingMessage(
  obj: KubeObject,
  message: string,
  now: Date,
): any {
  const reconciling = getCondition(obj.status?.conditions, 'Reconciling');
  const conditions = setCondition(
    obj.status?.conditions,
    {
      type: 'Reconciling',
      status: 'True',
      reason: reconciling?.reason ?? 'Progressing',
      message,
    },
    now,
  );
  return { ...(obj.status ?? {}), conditions };
}

function finalize(obj: KubeObject, status: any): any {
  const requestedAt = obj.metadata.annotations?.[REQUESTED_AT];
  return {
    ...status,
    observedGeneration: obj.metadata.generation,
    ...(requestedAt ? { lastHandledReconcileAt: requestedAt } : {}),
  };
}

export function markSucceeded(
  obj: KubeObject,
  revision: string,
  healthMessage: string | undefined,
  now: Date,
): any {
  let conditions: Condition[] = removeCondition(
    obj.status?.conditions,
    'Reconciling',
  );
  conditions = removeCondition(conditions, 'Stalled');
  conditions = setCondition(
    conditions,
    {
      type: 'Ready',
      status: 'True',
      reason: 'ReconciliationSucceeded',
      message: `Applied revision: ${revision}`,
    },
    now,
  );
  if (healthMessage)
    conditions = setCondition(
      conditions,
      {
        type: 'Healthy',
        status: 'True',
        reason: 'Succeeded',
        message: healthMessage,
      },
      now,
    );
  else conditions = removeCondition(conditions, 'Healthy');
  return finalize(obj, {
    ...(obj.status ?? {}),
    conditions,
    lastAppliedRevision: revision,
  });
}

/** A failed attempt: Ready=False, and a still-open Reconciling turns into ProgressingWithRetry. */
export function markFailed(
  obj: KubeObject,
  reason: FailureReason,
  message: string,
  now: Date,
  healthyMessage?: string,
): any {
  let conditions = setCondition(
    obj.status?.conditions,
    { type: 'Ready', status: 'False', reason, message },
    now,
  );
  const reconciling = getCondition(conditions, 'Reconciling');
  if (reconciling)
    conditions = setCondition(
      conditions,
      { ...reconciling, reason: 'ProgressingWithRetry' },
      now,
    );
  if (healthyMessage)
    conditions = setCondition(
      conditions,
      {
        type: 'Healthy',
        status: 'False',
        reason: 'HealthCheckFailed',
        message: healthyMessage,
      },
      now,
    );
  return finalize(obj, { ...(obj.status ?? {}), conditions });
}
