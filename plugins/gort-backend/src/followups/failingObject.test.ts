import type { Run } from '@gort-backstage/plugin-gort-common';
import { failingObject } from './GortFollowUps';

describe('failingObject', () => {
  it('finds the failing object in its own cluster when the same object is watched in several', () => {
    const objects = [
      { cluster: 'staging', kind: 'Kustomization' as const, namespace: 'flux-system', name: 'podinfo' },
      { cluster: 'prod', kind: 'Kustomization' as const, namespace: 'flux-system', name: 'podinfo' },
    ];
    const run = { objects, failure: { object: 'prod:Kustomization/flux-system/podinfo', reason: 'HealthCheckFailed', message: 'x' } } as unknown as Run;
    expect(failingObject(run)).toEqual(objects[1]);
    expect(failingObject({ ...run, failure: { ...run.failure!, object: 'Kustomization/flux-system/podinfo' } })).toEqual(objects[0]);
  });
});
