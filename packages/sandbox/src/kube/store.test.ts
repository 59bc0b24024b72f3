import { KubeStore } from './store';
import { KubeApiError } from './errors';
import { WatchEvent } from './types';

const ns = { apiVersion: 'v1', kind: 'Namespace' };
const deploy = { apiVersion: 'apps/v1', kind: 'Deployment' };
const ks = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
};

function storeWithNamespace(name = 'apps') {
  const store = new KubeStore();
  store.create(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return store;
}

function deployment(name: string, replicas = 1) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'apps', labels: { app: name } },
    spec: { replicas, selector: { matchLabels: { app: name } } },
  };
}

describe('KubeStore', () => {
  it('assigns uid, creationTimestamp, generation and a growing resourceVersion', () => {
    const store = storeWithNamespace();
    const a = store.create(deploy, deployment('a'));
    const b = store.create(deploy, deployment('b'));
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.generation).toBe(1);
    expect(Date.parse(a.metadata.creationTimestamp!)).not.toBeNaN();
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(
      Number(a.metadata.resourceVersion),
    );
  });

  it('bumps generation on spec changes only, never on status writes', () => {
    const store = storeWithNamespace();
    const created = store.create(deploy, deployment('a'));
    const withStatus = store.update(
      deploy,
      { ...created, status: { replicas: 1 } },
      { subresource: 'status' },
    );
    expect(withStatus.metadata.generation).toBe(1);
    expect(withStatus.status).toEqual({ replicas: 1 });
    const labelled = store.update(deploy, {
      ...withStatus,
      metadata: { ...withStatus.metadata, labels: { x: 'y' } },
    });
    expect(labelled.metadata.generation).toBe(1);
    const scaled = store.update(deploy, {
      ...labelled,
      spec: { ...labelled.spec, replicas: 3 },
    });
    expect(scaled.metadata.generation).toBe(2);
  });

  it('ignores status on the main resource for kinds with a status subresource', () => {
    const store = storeWithNamespace();
    const created = store.create(deploy, deployment('a'));
    const updated = store.update(deploy, {
      ...created,
      status: { replicas: 9 },
    });
    expect(updated.status).toBeUndefined();
  });

  it('rejects a stale resourceVersion with Conflict', () => {
    const store = storeWithNamespace();
    const created = store.create(deploy, deployment('a'));
    store.update(deploy, {
      ...created,
      spec: { ...created.spec, replicas: 2 },
    });
    expect(() =>
      store.update(deploy, {
        ...created,
        spec: { ...created.spec, replicas: 3 },
      }),
    ).toThrow(expect.objectContaining({ reason: 'Conflict', code: 409 }));
  });

  it('refuses duplicates, unknown objects and objects in missing namespaces', () => {
    const store = storeWithNamespace();
    store.create(deploy, deployment('a'));
    expect(() => store.create(deploy, deployment('a'))).toThrow(
      expect.objectContaining({ reason: 'AlreadyExists' }),
    );
    expect(() => store.get(deploy, 'apps', 'nope')).toThrow(
      'deployments.apps "nope" not found',
    );
    expect(() =>
      store.create(deploy, {
        ...deployment('x'),
        metadata: { name: 'x', namespace: 'ghost' },
      }),
    ).toThrow('namespaces "ghost" not found');
  });

  it('replays history after a resourceVersion and answers Gone when it is too old', () => {
    const store = new KubeStore({ historySize: 3 });
    store.create(ns, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'apps' },
    });
    const first = store.create(deploy, deployment('a'));
    store.create(deploy, deployment('b'));
    const events: WatchEvent[] = [];
    store.watch(
      deploy,
      { resourceVersion: first.metadata.resourceVersion },
      e => events.push(e),
    );
    expect(events.map(e => [e.type, (e.object as any).metadata.name])).toEqual([
      ['ADDED', 'b'],
    ]);
    store.create(deploy, deployment('c'));
    store.create(deploy, deployment('d'));
    let error: unknown;
    try {
      store.watch(deploy, { resourceVersion: '1' }, () => {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).code).toBe(410);
    expect((error as KubeApiError).message).toMatch(
      /^too old resource version: 1 \(\d+\)$/,
    );
  });

  it('turns selector transitions into ADDED/DELETED for a filtered watch', () => {
    const store = storeWithNamespace();
    const created = store.create(deploy, deployment('a'));
    const events: string[] = [];
    store.watch(deploy, { labelSelector: 'tier=web' }, e =>
      events.push(e.type),
    );
    const labelled = store.update(deploy, {
      ...created,
      metadata: { ...created.metadata, labels: { tier: 'web' } },
    });
    store.update(deploy, {
      ...labelled,
      metadata: { ...labelled.metadata, labels: { tier: 'db' } },
    });
    expect(events).toEqual(['ADDED', 'DELETED']);
  });

  it('deletes owned objects and namespace contents', () => {
    const store = storeWithNamespace();
    const owner = store.create(deploy, deployment('a'));
    store.create(
      { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: 'a-1',
          namespace: 'apps',
          ownerReferences: [
            { uid: owner.metadata.uid, kind: 'Deployment', name: 'a' },
          ],
        },
      },
    );
    store.delete(deploy, 'apps', 'a');
    expect(
      store.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet' }).items,
    ).toEqual([]);
    store.create(deploy, deployment('b'));
    store.delete(ns, undefined, 'apps');
    expect(store.list(deploy).items).toEqual([]);
  });

  it('serves a multi-version kind from one storage', () => {
    const store = new KubeStore();
    store.create(ns, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'flux-system' },
    });
    store.create(
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2',
        kind: 'Kustomization',
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2',
        kind: 'Kustomization',
        metadata: { name: 'apps', namespace: 'flux-system' },
      },
    );
    expect(store.get(ks, 'flux-system', 'apps').apiVersion).toBe(
      'kustomize.toolkit.fluxcd.io/v1',
    );
  });
});
