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

/**
 * Ready=Unknown and Reconciling=True (Progressing) at the start of an attempt
 * (fluxcd/kustomize-controller@186fb3b internal/controller/kustomization_controller.go#L325-L326);
 * finalizeStatus turns Reconciling into ProgressingWithRetry when the attempt fails (L1311-L1316).
 */
export function markProgressing(
  obj: KubeObject,
  message: string,
  now: Date,
): any {
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
      reason: 'Progressing',
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

/**
 * kustomize-controller's finalizeStatus (kustomization_controller.go#L1294-L1319): the request
 * is marked handled always, but status.observedGeneration advances only when Ready=True
 * (L1304-L1307) or on a terminal error (Stalled; L195, L252). A retryable failure (build,
 * apply, health check, path not found, dependency not ready) leaves it at the last success, so
 * a push that edits the Kustomization itself and fails shows generation > observedGeneration
 * while the Ready condition's own observedGeneration is current.
 */
function finalize(obj: KubeObject, status: any, advance: boolean): any {
  const requestedAt = obj.metadata.annotations?.[REQUESTED_AT];
  return {
    ...status,
    ...(advance ? { observedGeneration: obj.metadata.generation } : {}),
    ...(requestedAt ? { lastHandledReconcileAt: requestedAt } : {}),
  };
}

export function markSucceeded(
  obj: KubeObject,
  revision: string,
  healthMessage: string | undefined,
  now: Date,
  originRevision?: string,
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
  const { lastAppliedOriginRevision: _previousOrigin, ...previous } =
    obj.status ?? {};
  return finalize(
    obj,
    {
      ...previous,
      conditions,
      lastAppliedRevision: revision,
      ...(originRevision ? { lastAppliedOriginRevision: originRevision } : {}),
    },
    true,
  );
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
  return finalize(obj, { ...(obj.status ?? {}), conditions }, false);
}
