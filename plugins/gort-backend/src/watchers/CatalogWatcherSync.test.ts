import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseWatcherStore } from '../database/DatabaseWatcherStore';
import { migrationsDir } from '../database/migrations';
import { CatalogWatcherSync } from './CatalogWatcherSync';

jest.setTimeout(60_000);

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations: { 'gort.io/flux-app': 'flux-system/podinfo', 'gort.io/target-repo': 'acme/gitops' } },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

describe('CatalogWatcherSync', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('never deletes watchers on an empty or failed catalog read, on %p', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    const store = new DatabaseWatcherStore(knex);
    const logger = mockServices.logger.mock();
    const sync = (catalog: any) => new CatalogWatcherSync({ catalog, auth: mockServices.auth(), store, logger }).sync();

    expect(await sync(catalogServiceMock({ entities: [component('a'), component('b')] }))).toMatchObject({ added: 2 });
    expect(await sync(catalogServiceMock({ entities: [] }))).toEqual({ added: 0, updated: 0, removed: 0, unchanged: 2 });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('keeping the 2 stored watcher(s)'));
    const failing = { queryEntities: async () => { throw new Error('catalog unavailable'); } };
    await expect(sync(failing)).rejects.toThrow('catalog unavailable');
    expect((await store.list()).map(w => w.entityRef).sort()).toEqual(['component:default/a', 'component:default/b']);
    // A read with entities still removes the ones that are gone.
    expect(await sync(catalogServiceMock({ entities: [component('a')] }))).toMatchObject({ removed: 1 });
  });
});
