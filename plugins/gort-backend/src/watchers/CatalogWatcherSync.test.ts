import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseWatcherStore } from '../database/DatabaseWatcherStore';
import { migrationsDir } from '../database/migrations';
import { CatalogWatcherSync } from './CatalogWatcherSync';
import { TenancyPolicy } from './tenancy';

jest.setTimeout(60_000);

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations: { 'gort.io/flux-app': 'flux-system/podinfo', 'gort.io/target-repo': 'acme/gitops' } },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

const unmapped: TenancyPolicy = { mapped: false, grants: [], entityLabel: 'gort.io/entity', allowSeparateFixRepo: false, extraDocsPaths: [] };
const openTenancy = { policy: unmapped, factsOf: () => undefined, defaultCluster: () => 'demo' };

describe('CatalogWatcherSync', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('never deletes watchers on an empty or failed catalog read, on %p', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    const store = new DatabaseWatcherStore(knex);
    const logger = mockServices.logger.mock();
    const sync = (catalog: any) => new CatalogWatcherSync({ catalog, auth: mockServices.auth(), store, logger, tenancy: openTenancy }).sync();

    expect(await sync(catalogServiceMock({ entities: [component('a'), component('b')] }))).toMatchObject({ added: 2 });
    expect(await sync(catalogServiceMock({ entities: [] }))).toEqual({ added: 0, updated: 0, removed: 0, unchanged: 2 });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('keeping the 2 stored watcher(s)'));
    const failing = { queryEntities: async () => { throw new Error('catalog unavailable'); } };
    await expect(sync(failing)).rejects.toThrow('catalog unavailable');
    expect((await store.list()).map(w => w.entityRef).sort()).toEqual(['component:default/a', 'component:default/b']);
    // A read with entities still removes the ones that are gone.
    expect(await sync(catalogServiceMock({ entities: [component('a')] }))).toMatchObject({ removed: 1 });
  });

  it.each(databases.eachSupportedId())('stores what the owner may not watch as problems, never as objects, on %p', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    const store = new DatabaseWatcherStore(knex);
    const policy: TenancyPolicy = {
      ...unmapped,
      mapped: true,
      grants: [{ owners: ['group:default/team-a'], clusters: ['*'], namespaces: ['team-a'], repositories: ['acme/team-a-*'] }],
    };
    const labelled = (object: { name: string }) =>
      object.name === 'labelled' ? { labels: { 'gort.io/entity': 'component.default.b' }, sourceRepo: { owner: 'acme', repo: 'shared' } } : undefined;
    const entity = (name: string, flux: string, repo: string): Entity => ({
      ...component(name),
      metadata: { name, namespace: 'default', annotations: { 'gort.io/flux-app': flux, 'gort.io/target-repo': repo } },
    });
    await new CatalogWatcherSync({
      catalog: catalogServiceMock({
        entities: [
          entity('a', 'team-a/app,flux-system/podinfo', 'acme/team-a-gitops'),
          entity('b', 'shared/labelled', 'acme/shared'),
          entity('c', 'shared/labelled', 'acme/shared'),
        ],
      }),
      auth: mockServices.auth(),
      store,
      logger: mockServices.logger.mock(),
      tenancy: { policy, factsOf: labelled, defaultCluster: () => 'demo' },
    }).sync();
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(n => store.get(`component:default/${n}`)));
    expect(a!.objects.map(o => o.name)).toEqual(['app']);
    expect(a!.problems.map(p => p.value)).toEqual(['Kustomization/flux-system/podinfo']);
    expect(b!.objects.map(o => o.name)).toEqual(['labelled']);
    expect(b!.targetRepo).toEqual({ owner: 'acme', repo: 'shared' });
    // c's owner has no grant, and the label names b
    expect(c!.objects).toEqual([]);
    expect(c!.targetRepo).toBeUndefined();
    expect(c!.problems.map(p => p.annotation)).toEqual(['gort.io/flux-app', 'gort.io/target-repo']);
  });

  it.each(databases.eachSupportedId())('says a refresh that changes nothing once at info, then at debug, on %p', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    const logger = mockServices.logger.mock();
    let entities = [component('a')];
    const sync = new CatalogWatcherSync({ catalog: { queryEntities: (...args: any[]) => (catalogServiceMock({ entities }).queryEntities as any)(...args) } as any, auth: mockServices.auth(), store: new DatabaseWatcherStore(knex), logger, tenancy: openTenancy });
    const infos = () => logger.info.mock.calls.map(([message]) => message).filter(m => m.startsWith('Watchers refreshed'));
    await sync.sync();
    await sync.sync();
    await sync.sync();
    expect(infos()).toEqual(['Watchers refreshed from the catalog: 1 entities (1 added, 0 updated, 0 removed, 0 with annotation problems)', 'Watchers refreshed from the catalog: 1 entities (0 added, 0 updated, 0 removed, 0 with annotation problems)']);
    expect(logger.debug).toHaveBeenCalledWith('Watchers refreshed from the catalog: 1 entities (0 added, 0 updated, 0 removed, 0 with annotation problems)');
    // a change is said at info again
    entities = [component('a'), component('b')];
    await sync.sync();
    expect(infos().at(-1)).toBe('Watchers refreshed from the catalog: 2 entities (1 added, 0 updated, 0 removed, 0 with annotation problems)');
  });
});
