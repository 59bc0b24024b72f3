import { GortClient } from './GortClient';

describe('GortClient', () => {
  const discoveryApi = { getBaseUrl: async () => 'http://backend/api/gort' };

  it('lists watchers from the backend', async () => {
    const calls: string[] = [];
    const client = new GortClient({
      discoveryApi,
      fetchApi: {
        fetch: (async (url: string) => {
          calls.push(url);
          return new Response(JSON.stringify({ items: [{ entityRef: 'component:default/a' }] }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        }) as any,
      },
    });
    await expect(client.listWatchers()).resolves.toEqual([{ entityRef: 'component:default/a' }]);
    expect(calls).toEqual(['http://backend/api/gort/watchers']);
  });

  it('turns error responses into ResponseError with the backend message', async () => {
    const client = new GortClient({
      discoveryApi,
      fetchApi: {
        fetch: (async () =>
          new Response(
            JSON.stringify({
              error: { name: 'NotAllowedError', message: 'Permission gort.run.read is required' },
              response: { statusCode: 403 },
            }),
            { status: 403, statusText: 'Forbidden', headers: { 'content-type': 'application/json' } },
          )) as any,
      },
    });
    await expect(client.listWatchers()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      cause: expect.objectContaining({ message: 'Permission gort.run.read is required' }),
    });
  });
});
