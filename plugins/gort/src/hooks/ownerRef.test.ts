import { ownerRef } from './useOrgStatuses';

describe('ownerRef', () => {
  it('completes short owners as groups in the entity namespace', () => {
    expect(ownerRef('platform-team', 'component:default/podinfo')).toBe('group:default/platform-team');
    expect(ownerRef('team-b', 'component:payments/api')).toBe('group:payments/team-b');
    expect(ownerRef('user:default/ada', 'component:default/podinfo')).toBe('user:default/ada');
    expect(ownerRef('group:ops/sre', 'component:default/podinfo')).toBe('group:ops/sre');
  });
});
