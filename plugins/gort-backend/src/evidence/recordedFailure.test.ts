import { diagnose } from '@gort-backstage/plugin-gort-node';
import { withRecordedFailure } from './recordedFailure';

const failure = {
  object: 'demo:Kustomization/flux-system/podinfo',
  reason: 'HealthCheckFailed',
  message: "health check failed after 6s: timeout waiting for: [Deployment/podinfo/podinfo status: 'InProgress']",
};

function kustomization(conditions: object[]) {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'podinfo', namespace: 'flux-system', generation: 1 },
    status: { observedGeneration: 1, conditions },
  };
}

describe('withRecordedFailure', () => {
  it('diagnoses the failed attempt even when Flux is already retrying', () => {
    const retrying = kustomization([
      { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'Reconciliation in progress' },
      { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'retrying' },
    ]);
    expect(diagnose([retrying], 'Kustomization/flux-system/podinfo')).toMatchObject({ category: 'unknown' });
    const [snapshot] = withRecordedFailure([retrying], failure);
    expect(snapshot.status.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'HealthCheckFailed' }),
    ]);
    expect(diagnose([snapshot], 'Kustomization/flux-system/podinfo')).toMatchObject({ category: 'health-check-timeout' });
  });

  it('leaves objects that still show a failure, and other objects, alone', () => {
    const failing = kustomization([{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'x' }]);
    expect(withRecordedFailure([failing], failure)[0]).toBe(failing);
    const other = { ...kustomization([]), metadata: { name: 'other', namespace: 'flux-system' } };
    expect(withRecordedFailure([other], failure)[0]).toBe(other);
    expect(withRecordedFailure([other], undefined)[0]).toBe(other);
  });
});
