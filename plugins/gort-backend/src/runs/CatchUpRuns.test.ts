import { mockServices } from '@backstage/backend-test-utils';
import type { WatchedObject } from '@gort-backstage/plugin-gort-common';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { DatabaseWatcherStore } from '../database/DatabaseWatcherStore';
import { migrationsDir } from '../database/migrations';
import { WatcherInput } from '../database/WatcherStore';
import { CatchUpRuns } from './CatchUpRuns';
import { FluxObjectLookup } from './judgeRunObject';
import { RunLifecycle } from './RunLifecycle';

jest.setTimeout(60_000);

const sha = (c: string) => c.repeat(40);

const gitRepository = (revision: string): KubeObject => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name: 'fleet', namespace: 'flux-system' },
  status: { artifact: { revision } },
});

const kustomization: KubeObject = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'apps', namespace: 'flux-system' },
  spec: { sourceRef: { kind: 'GitRepository', name: 'fleet' } },
};

const lookup: FluxObjectLookup = {
  resolveCluster: name => name ?? 'demo',
  hasCluster: name => name === 'demo',
  get: (_cluster, kind, namespace, name) => (kind === 'Kustomization' && namespace === 'flux-system' && name === 'apps' ? kustomization : undefined),
  list: () => [],
  isSynced: () => true,
};

describe('CatchUpRuns', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('starts a run when a watched source moves to a commit no run knows, on %p', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    const runStore = new DatabaseRunStore(knex);
    const watcherStore = new DatabaseWatcherStore(knex);
    const watcher = (name: string, branch?: string): WatcherInput => ({
      entityRef: `component:default/${name}`,
      objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }],
      targetRepo: { owner: 'acme', repo: 'fleet' },
      ...(branch ? { branch } : {}),
      docsPaths: ['docs/plans/'],
      mode: 'fix-pr',
      problems: [],
    });
    await watcherStore.replaceAll([watcher('a'), watcher('b'), watcher('staging', 'staging')]);
    const lifecycle = new RunLifecycle(mockServices.logger.mock());
    const announced: string[] = [];
    lifecycle.subscribe(e => {
      announced.push(`${e.entityRef} ${e.state} ${e.trigger}`);
    });
    const catchUp = new CatchUpRuns({ watcherStore, runStore, lookup, logger: mockServices.logger.mock(), defaultTimeoutMs: 600_000, lifecycle, graceMs: 0 });
    const change = (revision: string) => ({ cluster: 'demo', kind: 'GitRepository', type: 'update' as const, object: gitRepository(revision), receivedAt: Date.now() });

    // The revision found at start is only remembered.
    expect(await catchUp.onChange(change(`main@sha1:${sha('1')}`))).toEqual([]);
    // The push of 2 arrived for a: only b gets a catch-up run.
    await runStore.createRun({ entityRef: 'component:default/a', objects: watcher('a').objects, repo: 'acme/fleet', branch: 'main', sha: sha('2'), trigger: 'push', timeoutMs: 600_000 });
    const started = await catchUp.onChange(change(`main@sha1:${sha('2')}`));
    expect(started).toHaveLength(1);
    expect(await runStore.getRun(started[0])).toMatchObject({ entityRef: 'component:default/b', sha: sha('2'), branch: 'main', trigger: 'catch-up', state: 'queued', repo: 'acme/fleet' });
    expect((await runStore.getRun(started[0]))!.timeline[0].message).toMatch(/Flux moved to 2222222 .*its push never arrived/);
    expect(announced).toEqual(['component:default/b queued catch-up']);
    // The same revision again, or a source of another branch's watcher: nothing.
    expect(await catchUp.onChange(change(`main@sha1:${sha('2')}`))).toEqual([]);
    expect(await catchUp.onChange({ ...change(`main@sha1:${sha('3')}`), kind: 'OCIRepository' })).toEqual([]);
  });

  it.each(databases.eachSupportedId())('leaves a push that arrives within the grace period to its webhook, on %p', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    const runStore = new DatabaseRunStore(knex);
    const watcherStore = new DatabaseWatcherStore(knex);
    const objects: WatchedObject[] = [{ kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }];
    await watcherStore.replaceAll([{ entityRef: 'component:default/a', objects, targetRepo: { owner: 'acme', repo: 'fleet' }, docsPaths: ['docs/plans/'], mode: 'fix-pr', problems: [] }]);
    const catchUp = new CatchUpRuns({ watcherStore, runStore, lookup, logger: mockServices.logger.mock(), defaultTimeoutMs: 600_000, graceMs: 300 });
    const change = (revision: string) => ({ cluster: 'demo', kind: 'GitRepository', type: 'update' as const, object: gitRepository(revision), receivedAt: Date.now() });
    await catchUp.onChange(change(`main@sha1:${sha('1')}`));
    const pending = catchUp.onChange(change(`main@sha1:${sha('2')}`));
    // The delivery arrives 100 ms after Flux moved.
    await new Promise(r => setTimeout(r, 100));
    await runStore.createRun({ entityRef: 'component:default/a', objects, repo: 'acme/fleet', branch: 'main', sha: sha('2'), trigger: 'push', timeoutMs: 600_000 });
    expect(await pending).toEqual([]);
    expect((await runStore.listRuns({ limit: 10 })).items.map(r => r.trigger)).toEqual(['push']);
  });
});
