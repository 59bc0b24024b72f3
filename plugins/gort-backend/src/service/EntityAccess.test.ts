import { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityAccess } from './EntityAccess';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

const REFS = ['component:default/a', 'component:default/b', 'component:default/c', 'component:default/gone'];

function setup(readDecisionTtlMs?: number) {
  const catalog = catalogServiceMock({ entities: [component('a'), component('b'), component('c')] });
  const catalogCalls = jest.spyOn(catalog, 'getEntitiesByRefs');
  // ada may read a and b; everyone else only a
  const authorize = jest.fn(async (requests: Array<{ resourceRef?: string }>, options: { credentials: BackstageCredentials }) => {
    const user = (options.credentials.principal as { userEntityRef?: string }).userEntityRef;
    return requests.map(r => ({
      result: r.resourceRef === 'component:default/a' || (user === 'user:default/ada' && r.resourceRef === 'component:default/b')
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    }));
  });
  const permissions = { authorize } as unknown as PermissionsService;
  return { access: new EntityAccess({ permissions, catalog, readDecisionTtlMs }), catalogCalls, authorize };
}

describe('EntityAccess', () => {
  const ada = mockCredentials.user('user:default/ada');
  const grace = mockCredentials.user('user:default/grace');

  it('reads what the catalog shows and the policy allows, and reuses the decisions per caller', async () => {
    const { access, catalogCalls, authorize } = setup();
    expect([...(await access.readable(ada, REFS))].sort()).toEqual(['component:default/a', 'component:default/b']);
    expect(catalogCalls).toHaveBeenCalledTimes(1);
    expect(authorize).toHaveBeenCalledTimes(1);

    // the same caller again (any case): nothing asked, the same answer, denials included
    expect([...(await access.readable(ada, REFS.map(r => r.toUpperCase())))].sort()).toEqual(['component:default/a', 'component:default/b']);
    expect(catalogCalls).toHaveBeenCalledTimes(1);
    expect(authorize).toHaveBeenCalledTimes(1);

    // another caller is asked about on its own
    expect([...(await access.readable(grace, REFS))]).toEqual(['component:default/a']);
    expect(catalogCalls).toHaveBeenCalledTimes(2);

    // only the refs not decided yet are asked about
    await access.readable(ada, [...REFS, 'component:default/new']);
    expect(catalogCalls).toHaveBeenLastCalledWith(expect.objectContaining({ entityRefs: ['component:default/new'] }), { credentials: ada });
  });

  it('asks every time when the reuse is turned off', async () => {
    const { access, catalogCalls, authorize } = setup(0);
    await access.readable(ada, REFS);
    await access.readable(ada, REFS);
    expect(catalogCalls).toHaveBeenCalledTimes(2);
    expect(authorize).toHaveBeenCalledTimes(2);
  });

  it('forgets a decision after its time to live', async () => {
    const { access, catalogCalls } = setup(50);
    await access.readable(ada, REFS);
    await new Promise(r => setTimeout(r, 120));
    await access.readable(ada, REFS);
    expect(catalogCalls).toHaveBeenCalledTimes(2);
  });
});
