import { startKubeApiServer, KubeApiServer } from './server';
import { RESOURCE_TYPES } from './resources';

const token = 'test-token';
let api: KubeApiServer;

async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  auth = token,
) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${auth}`, 'Content-Type': contentType },
    body:
      typeof body === 'string' || body === undefined
        ? body
        : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

const deploymentBody = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels },
  spec: { replicas: 1, selector: { matchLabels: { app: name } } },
});

beforeEach(async () => {
  api = await startKubeApiServer({ port: 0, token, bookmarkIntervalMs: 50 });
  await call('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'apps' },
  });
});

afterEach(() => api.close());

describe('Kubernetes API server stand-in', () => {
  it('requires the bearer token', async () => {
    const res = await call(
      'GET',
      '/api/v1/namespaces',
      undefined,
      'application/json',
      'wrong',
    );
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('serves discovery for core and Flux groups', async () => {
    expect((await call('GET', '/version')).json.gitVersion).toMatch(/^v1\.32/);
    expect((await call('GET', '/api')).json.versions).toEqual(['v1']);
    const groups = (await call('GET', '/apis')).json.groups.map(
      (g: any) => g.name,
    );
    expect(groups).toEqual(
      expect.arrayContaining([
        'apps',
        'batch',
        'kustomize.toolkit.fluxcd.io',
        'helm.toolkit.fluxcd.io',
        'source.toolkit.fluxcd.io',
      ]),
    );
    const ks = (await call('GET', '/apis/kustomize.toolkit.fluxcd.io/v1')).json;
    expect(ks.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'kustomizations',
          kind: 'Kustomization',
          namespaced: true,
          shortNames: ['ks'],
        }),
        expect.objectContaining({ name: 'kustomizations/status' }),
      ]),
    );
    const core = (await call('GET', '/api/v1')).json;
    expect(core.resources.map((r: any) => r.name)).toEqual(
      expect.arrayContaining(['pods', 'pods/log', 'namespaces', 'events']),
    );
    expect((await call('GET', '/apis/nope.example.com/v1')).status).toBe(404);
  });

  it('serves only the resource types it is given (an older Flux without helm-controller)', async () => {
    // Flux before 2.6 serves OCIRepository at v1beta2 only; no helm-controller: no helm group.
    const older = RESOURCE_TYPES.filter(
      t => t.group !== 'helm.toolkit.fluxcd.io',
    ).map(t => (t.kind === 'OCIRepository' ? { ...t, versions: ['v1beta2'] } : t));
    const cluster = await startKubeApiServer({ port: 0, token, resourceTypes: older });
    const get = async (path: string) => {
      const response = await fetch(`${cluster.url}${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return { status: response.status, json: await response.json() };
    };
    try {
      const groups = (await get('/apis')).json.groups;
      expect(groups.map((g: any) => g.name)).not.toContain('helm.toolkit.fluxcd.io');
      const source = groups.find((g: any) => g.name === 'source.toolkit.fluxcd.io');
      expect(source.versions.map((v: any) => v.version)).toEqual(['v1', 'v1beta2']);
      const v1 = (await get('/apis/source.toolkit.fluxcd.io/v1')).json;
      expect(v1.resources.map((r: any) => r.name)).not.toContain('ocirepositories');
      const v1beta2 = (await get('/apis/source.toolkit.fluxcd.io/v1beta2')).json;
      expect(v1beta2.resources.map((r: any) => r.name)).toEqual(['ocirepositories', 'ocirepositories/status']);
      expect((await get('/apis/source.toolkit.fluxcd.io/v1/ocirepositories')).status).toBe(404);
      expect((await get('/apis/source.toolkit.fluxcd.io/v1beta2/ocirepositories')).status).toBe(200);
      expect((await get('/apis/helm.toolkit.fluxcd.io/v2/helmreleases')).status).toBe(404);
    } finally {
      await cluster.close();
    }
  });

  it('creates, reads, lists, updates and deletes with Status errors', async () => {
    const created = await call(
      'POST',
      '/apis/apps/v1/namespaces/apps/deployments',
      deploymentBody('web', { app: 'web', tier: 'front' }),
    );
    expect(created.status).toBe(201);
    expect(
      (
        await call(
          'POST',
          '/apis/apps/v1/namespaces/apps/deployments',
          deploymentBody('web', {}),
        )
      ).json,
    ).toMatchObject({ reason: 'AlreadyExists', code: 409 });
    const got = await call(
      'GET',
      '/apis/apps/v1/namespaces/apps/deployments/web',
    );
    expect(got.json.metadata.uid).toBe(created.json.metadata.uid);

    const stale = { ...got.json, spec: { ...got.json.spec, replicas: 2 } };
    expect(
      (
        await call(
          'PUT',
          '/apis/apps/v1/namespaces/apps/deployments/web',
          stale,
        )
      ).status,
    ).toBe(200);
    const conflict = await call(
      'PUT',
      '/apis/apps/v1/namespaces/apps/deployments/web',
      { ...stale, spec: { replicas: 5 } },
    );
    expect(conflict.json).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
    });

    const list = await call('GET', '/apis/apps/v1/deployments');
    expect(list.json).toMatchObject({
      kind: 'DeploymentList',
      apiVersion: 'apps/v1',
    });
    expect(list.json.items.map((d: any) => d.metadata.name)).toEqual(['web']);

    expect(
      (await call('DELETE', '/apis/apps/v1/namespaces/apps/deployments/web'))
        .status,
    ).toBe(200);
    const missing = await call(
      'GET',
      '/apis/apps/v1/namespaces/apps/deployments/web',
    );
    expect(missing.json).toMatchObject({
      reason: 'NotFound',
      code: 404,
      message: 'deployments.apps "web" not found',
    });
  });

  it('answers malformed input with 400 and keeps serving', async () => {
    const bad = await call(
      'POST',
      '/apis/apps/v1/namespaces/apps/deployments',
      '{not json',
    );
    expect(bad.json).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
    });
    expect(
      (await call('GET', '/api/v1/pods?labelSelector=a%20in%20(')).json.reason,
    ).toBe('BadRequest');
    expect(
      (await call('PATCH', '/api/v1/namespaces/apps', { a: 1 }, 'text/plain'))
        .json.reason,
    ).toBe('UnsupportedMediaType');
    expect((await call('GET', '/api/v1/namespaces/apps')).status).toBe(200);
  });

  it('survives hostile requests with Status errors', async () => {
    const attempts: Array<[string, string, unknown, string?]> = [
      ['POST', '/api/v1/namespaces/apps/configmaps', 'null'],
      ['POST', '/api/v1/namespaces/apps/configmaps', '[]'],
      [
        'POST',
        '/api/v1/namespaces/apps/configmaps',
        { kind: 'Pod', metadata: { name: 'x' } },
      ],
      ['POST', '/api/v1/namespaces/apps/configmaps', { metadata: 'x' }],
      ['POST', '/api/v1/namespaces/apps/configmaps', { metadata: {} }],
      [
        'PUT',
        '/api/v1/namespaces/apps/configmaps/missing',
        { metadata: { name: 'missing' } },
      ],
      ['PUT', '/api/v1/namespaces/apps', { metadata: { name: 'other' } }],
      [
        'PATCH',
        '/api/v1/namespaces/apps',
        '{"metadata":',
        'application/merge-patch+json',
      ],
      [
        'PATCH',
        '/api/v1/namespaces/apps',
        { op: 'add' },
        'application/json-patch+json',
      ],
      [
        'PATCH',
        '/api/v1/namespaces/apps',
        [{ op: 'remove', path: '/nope/deeper' }],
        'application/json-patch+json',
      ],
      [
        'PATCH',
        '/api/v1/namespaces/apps',
        [{ op: 'frobnicate', path: '/x' }],
        'application/json-patch+json',
      ],
      [
        'GET',
        '/api/v1/namespaces/apps/pods?watch=true&resourceVersion=abc',
        undefined,
      ],
      ['GET', '/api/v1/pods?fieldSelector=metadata.name', undefined],
      ['GET', '/api/v1/pods?continue=%%%', undefined],
      ['GET', '/api/v1/namespaces/apps/pods/nope/log', undefined],
      ['GET', '/api/v1/namespaces/apps/pods/nope/exec', undefined],
      ['DELETE', '/api/v1/namespaces/apps/pods', undefined],
      ['GET', '/apis/apps/v1/namespaces/a/b/c/d/e/f', undefined],
      ['GET', '/%E0%A4%A', undefined],
    ];
    for (const [method, path, body, type] of attempts) {
      const res = await call(method, path, body, type);
      expect({ path, status: res.status >= 400 }).toEqual({
        path,
        status: true,
      });
      expect(res.json ?? { kind: 'Status', status: 'Failure' }).toMatchObject({
        kind: 'Status',
        status: 'Failure',
      });
    }
    expect((await call('GET', '/api/v1/namespaces/apps')).status).toBe(200);
  });

  it('filters with label and field selectors', async () => {
    await call(
      'POST',
      '/apis/apps/v1/namespaces/apps/deployments',
      deploymentBody('a', { tier: 'web', env: 'prod' }),
    );
    await call(
      'POST',
      '/apis/apps/v1/namespaces/apps/deployments',
      deploymentBody('b', { tier: 'db' }),
    );
    await call(
      'POST',
      '/apis/apps/v1/namespaces/apps/deployments',
      deploymentBody('c', { tier: 'cache', env: 'dev' }),
    );
    const names = async (query: string) =>
      (
        await call('GET', `/apis/apps/v1/namespaces/apps/deployments?${query}`)
      ).json.items.map((d: any) => d.metadata.name);
    expect(await names('labelSelector=tier%3Dweb')).toEqual(['a']);
    expect(await names('labelSelector=tier%3D%3Ddb')).toEqual(['b']);
    expect(await names('labelSelector=tier!%3Dweb')).toEqual(['b', 'c']);
    expect(
      await names(`labelSelector=${encodeURIComponent('tier in (web,db)')}`),
    ).toEqual(['a', 'b']);
    expect(
      await names(`labelSelector=${encodeURIComponent('tier notin (web,db)')}`),
    ).toEqual(['c']);
    expect(await names('labelSelector=env')).toEqual(['a', 'c']);
    expect(await names('labelSelector=!env')).toEqual(['b']);
    expect(await names('fieldSelector=metadata.name%3Db')).toEqual(['b']);
    expect(await names('fieldSelector=metadata.namespace%3Dother')).toEqual([]);

    await call('POST', '/api/v1/namespaces/apps/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1' },
      type: 'Warning',
      reason: 'BackOff',
      involvedObject: {
        kind: 'Pod',
        name: 'a-1',
        namespace: 'apps',
        uid: 'u1',
      },
    });
    await call('POST', '/api/v1/namespaces/apps/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e2' },
      type: 'Normal',
      reason: 'Pulled',
      involvedObject: {
        kind: 'Pod',
        name: 'b-1',
        namespace: 'apps',
        uid: 'u2',
      },
    });
    const events = async (query: string) =>
      (
        await call(
          'GET',
          `/api/v1/namespaces/apps/events?fieldSelector=${encodeURIComponent(
            query,
          )}`,
        )
      ).json.items.map((e: any) => e.metadata.name);
    expect(
      await events(
        'involvedObject.kind=Pod,involvedObject.name=a-1,involvedObject.namespace=apps,involvedObject.uid=u1',
      ),
    ).toEqual(['e1']);
    expect(await events('type=Warning')).toEqual(['e1']);
    expect(await events('reason!=BackOff')).toEqual(['e2']);
  });

  it('supports merge, strategic-merge and JSON patch, and the status subresource', async () => {
    await call(
      'POST',
      '/apis/apps/v1/namespaces/apps/deployments',
      deploymentBody('web', { app: 'web' }),
    );
    const base = '/apis/apps/v1/namespaces/apps/deployments/web';
    const merged = await call(
      'PATCH',
      base,
      { metadata: { annotations: { a: '1' } }, spec: { replicas: 3 } },
      'application/merge-patch+json',
    );
    expect(merged.json.spec.replicas).toBe(3);
    expect(merged.json.metadata.generation).toBe(2);
    const strategic = await call(
      'PATCH',
      base,
      { metadata: { labels: { app: null, team: 'x' } } },
      'application/strategic-merge-patch+json',
    );
    expect(strategic.json.metadata.labels).toEqual({ team: 'x' });
    const json = await call(
      'PATCH',
      base,
      [
        { op: 'replace', path: '/spec/replicas', value: 4 },
        { op: 'add', path: '/metadata/annotations/b', value: '2' },
      ],
      'application/json-patch+json',
    );
    expect(json.json.spec.replicas).toBe(4);
    expect(json.json.metadata.annotations).toEqual({ a: '1', b: '2' });
    const failedTest = await call(
      'PATCH',
      base,
      [{ op: 'test', path: '/spec/replicas', value: 1 }],
      'application/json-patch+json',
    );
    expect(failedTest.status).toBe(422);

    const ignored = await call(
      'PATCH',
      base,
      { status: { readyReplicas: 4 } },
      'application/merge-patch+json',
    );
    expect(ignored.json.status).toBeUndefined();
    const status = await call(
      'PATCH',
      `${base}/status`,
      { status: { readyReplicas: 4 }, spec: { replicas: 99 } },
      'application/merge-patch+json',
    );
    expect(status.json.status).toEqual({ readyReplicas: 4 });
    expect(status.json.spec.replicas).toBe(4);
    expect(status.json.metadata.generation).toBe(3);
  });

  it('serves cluster-scoped namespaces and rejects namespaced paths for them', async () => {
    const list = await call('GET', '/api/v1/namespaces');
    expect(list.json.items.map((n: any) => n.metadata.name)).toEqual(['apps']);
    expect(list.json.items[0].status.phase).toBe('Active');
    expect(
      (await call('GET', '/api/v1/namespaces/apps/namespaces')).status,
    ).toBe(404);
  });

  it('paginates with limit and continue', async () => {
    for (const n of ['a', 'b', 'c'])
      await call(
        'POST',
        '/apis/apps/v1/namespaces/apps/deployments',
        deploymentBody(n, {}),
      );
    const first = await call('GET', '/apis/apps/v1/deployments?limit=2');
    expect(first.json.items).toHaveLength(2);
    const second = await call(
      'GET',
      `/apis/apps/v1/deployments?limit=2&continue=${first.json.metadata.continue}`,
    );
    expect(second.json.items.map((d: any) => d.metadata.name)).toEqual(['c']);
    expect(second.json.metadata.continue).toBeUndefined();
  });

  it('returns Tables when kubectl asks for them', async () => {
    await call(
      'POST',
      '/apis/apps/v1/namespaces/apps/deployments',
      deploymentBody('web', {}),
    );
    const res = await fetch(
      `${api.url}/apis/apps/v1/namespaces/apps/deployments`,
      {
        headers: {
          Authorization: `Bearer ${token}`,
          Accept:
            'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
        },
      },
    );
    const table = await res.json();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    expect(table.rows[0].cells.slice(0, 2)).toEqual(['web', '0/1']);
  });

  it('streams watch events after a resourceVersion, bookmarks, and a 410 for a too-old version', async () => {
    const created = await call(
      'POST',
      '/apis/apps/v1/namespaces/apps/deployments',
      deploymentBody('web', {}),
    );
    const rv = created.json.metadata.resourceVersion;
    await call(
      'PATCH',
      '/apis/apps/v1/namespaces/apps/deployments/web',
      { spec: { replicas: 2 } },
      'application/merge-patch+json',
    );

    const response = await fetch(
      `${api.url}/apis/apps/v1/namespaces/apps/deployments?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    setTimeout(() => {
      void call('DELETE', '/apis/apps/v1/namespaces/apps/deployments/web');
    }, 100);
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    const types = lines.map(l => l.type);
    expect(types[0]).toBe('MODIFIED');
    expect(lines[0].object.spec.replicas).toBe(2);
    expect(types).toContain('DELETED');
    expect(types).toContain('BOOKMARK');
    expect(
      lines.find(l => l.type === 'BOOKMARK').object.metadata.resourceVersion,
    ).toMatch(/^\d+$/);

    const small = await startKubeApiServer({
      port: 0,
      token,
      store: undefined,
    });
    try {
      small.store.create(
        { apiVersion: 'v1', kind: 'Namespace' },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
      );
      for (let i = 0; i < 5100; i++) {
        small.store.patch(
          { apiVersion: 'v1', kind: 'Namespace' },
          undefined,
          'x',
          'merge',
          { metadata: { labels: { i: String(i) } } },
        );
      }
      const gone = await fetch(
        `${small.url}/api/v1/namespaces?watch=true&resourceVersion=1`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      expect(gone.status).toBe(200);
      const event = JSON.parse((await gone.text()).trim());
      expect(event).toMatchObject({
        type: 'ERROR',
        object: { kind: 'Status', reason: 'Gone', code: 410 },
      });
      expect(event.object.message).toMatch(/^too old resource version: 1 \(/);
    } finally {
      await small.close();
    }
  });
});
