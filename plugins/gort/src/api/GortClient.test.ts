import { GortClient, entityStatusPath } from './GortClient';

type Call = { url: string; init?: RequestInit };

function clientAnswering(status: number, body: unknown) {
  const calls: Call[] = [];
  const client = new GortClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/gort' },
    fetchApi: {
      fetch: (async (url: string, init?: RequestInit) => {
        calls.push({ url, init });
        return new Response(JSON.stringify(body), {
          status,
          statusText: status === 200 ? 'OK' : 'Error',
          headers: { 'content-type': 'application/json' },
        });
      }) as typeof fetch,
    },
  });
  return { client, calls };
}

function backendError(name: string, message: string, statusCode: number) {
  return { error: { name, message }, response: { statusCode } };
}

describe('entityStatusPath', () => {
  it('orders namespace, kind and name and lower-cases them', () => {
    expect(entityStatusPath('Component:Default/PodInfo')).toBe(
      'default/component/podinfo',
    );
  });
});

describe('GortClient', () => {
  it('lists watchers from the backend', async () => {
    const { client, calls } = clientAnswering(200, {
      items: [{ entityRef: 'component:default/a' }],
    });
    await expect(client.listWatchers()).resolves.toEqual([
      { entityRef: 'component:default/a' },
    ]);
    expect(calls.map(c => c.url)).toEqual(['http://backend/api/gort/watchers']);
  });

  it('reads one entity status by namespace/kind/name', async () => {
    const { client, calls } = clientAnswering(200, {
      entityRef: 'component:default/podinfo',
      objects: [],
    });
    await client.getEntityStatus('Component:default/PodInfo');
    expect(calls[0].url).toBe(
      'http://backend/api/gort/entities/default/component/podinfo/status',
    );
  });

  it('reads the org-wide status list', async () => {
    const { client, calls } = clientAnswering(200, { items: [] });
    await expect(client.listEntityStatuses()).resolves.toEqual({ items: [] });
    expect(calls[0].url).toBe('http://backend/api/gort/entities/status');
  });

  it('lists runs with only the query parameters that are set', async () => {
    const { client, calls } = clientAnswering(200, {
      items: [],
      nextCursor: '40',
    });
    await expect(
      client.listRuns({
        entityRef: 'component:default/podinfo',
        limit: 20,
        cursor: '60',
        outcome: 'failed',
      }),
    ).resolves.toEqual({ items: [], nextCursor: '40' });
    const url = new URL(calls[0].url);
    expect(url.pathname).toBe('/api/gort/runs');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      entityRef: 'component:default/podinfo',
      limit: '20',
      cursor: '60',
      outcome: 'failed',
    });
  });

  it('reads one run', async () => {
    const { client, calls } = clientAnswering(200, { id: 'r1' });
    await client.getRun('7a1c2d4e-0000-4000-8000-000000000001');
    expect(calls[0].url).toBe(
      'http://backend/api/gort/runs/7a1c2d4e-0000-4000-8000-000000000001',
    );
  });

  it('starts a run with a JSON POST', async () => {
    const { client, calls } = clientAnswering(201, {
      runId: 'r2',
      created: true,
      sha: 'abc',
    });
    await expect(
      client.createRun('component:default/podinfo'),
    ).resolves.toEqual({
      runId: 'r2',
      created: true,
      sha: 'abc',
    });
    expect(calls[0].url).toBe('http://backend/api/gort/runs');
    expect(calls[0].init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({
      entityRef: 'component:default/podinfo',
    });
  });

  it('turns error responses into ResponseError with the backend message', async () => {
    const { client } = clientAnswering(
      403,
      backendError(
        'NotAllowedError',
        'Permission gort.run.read is required',
        403,
      ),
    );
    await expect(client.listWatchers()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      cause: expect.objectContaining({
        message: 'Permission gort.run.read is required',
      }),
    });
  });

  it('keeps the 409 of a source without revision', async () => {
    const { client } = clientAnswering(
      409,
      backendError(
        'ConflictError',
        'Cannot run GORT for component:default/podinfo: no source reports a Git revision yet',
        409,
      ),
    );
    await expect(
      client.createRun('component:default/podinfo'),
    ).rejects.toMatchObject({
      statusCode: 409,
      cause: expect.objectContaining({ name: 'ConflictError' }),
    });
  });
});
