import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { runtimeHealthFindings } from './runtimeHealth';
import { describeWorkload } from './runtimeSnapshot';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'podinfo', namespace: 'apps' },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'podinfo', image: 'podinfo:6.5.0', resources: { limits: { memory: '64Mi' } } }] } } },
  status: { readyReplicas: 1, availableReplicas: 1, updatedReplicas: 2 },
} as KubeObject;
const pod = (restarts: number) => ({ kind: 'Pod', status: { containerStatuses: [{ name: 'podinfo', restartCount: restarts }] } }) as KubeObject;

describe('describeWorkload', () => {
  it('reads replicas, images, resources and restarts', () => {
    expect(describeWorkload(deployment, [pod(1), pod(2)])).toEqual({
      kind: 'Deployment',
      namespace: 'apps',
      name: 'podinfo',
      replicas: { desired: 2, ready: 1, available: 1, updated: 2 },
      containers: [{ name: 'podinfo', image: 'podinfo:6.5.0', resources: { limits: { memory: '64Mi' }, requests: undefined }, restarts: 3 }],
    });
  });
});

describe('runtimeHealthFindings', () => {
  it('flags missing replicas, restarts and warning events', () => {
    const findings = runtimeHealthFindings({ workloads: [describeWorkload(deployment, [pod(3)])], warningEvents: ['Deployment/podinfo: BackOff: restarting'] });
    expect(findings.map(f => [f.status, f.observed])).toEqual([
      ['not_met', '1/2 ready, 2 updated'],
      ['not_met', '3 restart(s)'],
      ['not_met', 'Deployment/podinfo: BackOff: restarting'],
    ]);
  });

  it('is all met for a healthy workload', () => {
    const healthy = { ...deployment, status: { readyReplicas: 2 } } as KubeObject;
    expect(runtimeHealthFindings({ workloads: [describeWorkload(healthy, [pod(0)])] }).every(f => f.status === 'met')).toBe(true);
  });
});
