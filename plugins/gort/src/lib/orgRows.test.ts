import { orgStatuses } from '../__fixtures__/gort';
import { filterChoices, filterOrgRows, toOrgRows } from './orgRows';

const owners = new Map([
  ['component:default/podinfo', 'group:default/team-a'],
  ['component:default/catalog-api', 'group:default/team-b'],
]);

describe('org rows', () => {
  const rows = toOrgRows(orgStatuses.items, owners);

  it('puts failing entities first', () => {
    expect(rows.map(r => [r.entityRef, r.state])).toEqual([
      ['component:default/podinfo', 'failed'],
      ['component:default/catalog-api', 'ready'],
      ['component:default/checkout', 'ready'],
    ]);
  });

  it('gives the reason of a failing entity, not of a healthy one', () => {
    expect(rows.map(r => r.reason)).toEqual(['HealthCheckFailed', undefined, undefined]);
  });

  it('filters by state, owner and cluster', () => {
    expect(
      filterOrgRows(rows, { state: 'ready' }).map(r => r.entityRef),
    ).toHaveLength(2);
    expect(
      filterOrgRows(rows, { owner: 'group:default/team-b' }).map(
        r => r.entityRef,
      ),
    ).toEqual(['component:default/catalog-api']);
    expect(
      filterOrgRows(rows, { cluster: 'prod' }).map(r => r.entityRef),
    ).toEqual(['component:default/checkout']);
  });

  it('offers the values present', () => {
    expect(filterChoices(rows)).toEqual({
      states: ['failed', 'ready'],
      owners: ['group:default/team-a', 'group:default/team-b'],
      clusters: ['default', 'prod'],
    });
  });
});
