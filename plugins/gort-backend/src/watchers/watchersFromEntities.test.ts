import { ownersOf, watchersFromEntities } from './watchersFromEntities';

describe('watchersFromEntities', () => {
  it('makes one watcher per entity ref, with parsed settings and problems', () => {
    const entity = (name: string, namespace = 'default') => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace,
        annotations: {
          'gort.io/flux-app': 'prod:HelmRelease/apps/podinfo',
          'gort.io/target-repo': 'acme/gitops',
          'gort.io/mode': 'off',
        },
      },
    });
    const watchers = watchersFromEntities([entity('a'), entity('a'), entity('a', 'team')]);
    expect(watchers.map(w => w.entityRef)).toEqual([
      'component:default/a',
      'component:team/a',
    ]);
    expect(watchers[0]).toEqual({
      entityRef: 'component:default/a',
      owners: [],
      objects: [{ cluster: 'prod', kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' }],
      targetRepo: { owner: 'acme', repo: 'gitops' },
      fixRepo: { owner: 'acme', repo: 'gitops' },
      branch: undefined,
      docsPaths: ['docs/plans/'],
      reconcileTimeoutMs: undefined,
      mode: 'off',
      problems: [],
    });
  });

  it('takes the owners from ownedBy relations, else from spec.owner', () => {
    const base = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component' };
    expect(
      ownersOf({
        ...base,
        metadata: { name: 'a', namespace: 'team' },
        spec: { owner: 'ignored-when-relations-exist' },
        relations: [
          { type: 'ownedBy', targetRef: 'group:default/Platform' },
          { type: 'partOf', targetRef: 'system:default/shop' },
          { type: 'ownedBy', targetRef: 'user:default/ada' },
        ],
      }),
    ).toEqual(['group:default/platform', 'user:default/ada']);
    expect(ownersOf({ ...base, metadata: { name: 'a', namespace: 'team' }, spec: { owner: 'payments' } })).toEqual([
      'group:team/payments',
    ]);
    expect(ownersOf({ ...base, metadata: { name: 'a' }, spec: { owner: 'user:ada' } })).toEqual(['user:default/ada']);
    expect(ownersOf({ ...base, metadata: { name: 'a' }, spec: {} })).toEqual([]);
  });
});
