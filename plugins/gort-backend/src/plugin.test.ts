import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Watcher } from '@gort-backstage/plugin-gort-common';
import request from 'supertest';
import { gortPlugin } from './plugin';

jest.setTimeout(30_000);

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const entities = [
  component('podinfo', {
    'gort.io/flux-app': 'flux-system/podinfo',
    'github.com/project-slug': 'acme/podinfo-gitops',
  }),
  component('broken', {
    'gort.io/flux-app': 'Deployment/apps/broken',
    'gort.io/target-repo': 'acme/gitops',
    'gort.io/reconcile-timeout': 'soon',
  }),
  component('unrelated', { 'github.com/project-slug': 'acme/other' }),
];

async function waitForWatchers(
  server: any,
  count: number,
  authorization = mockCredentials.user.header(),
): Promise<Watcher[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await request(server)
      .get('/api/gort/watchers')
      .set('Authorization', authorization);
    if (res.status === 200 && res.body.items.length >= count) {
      return res.body.items;
    }
    if (Date.now() > deadline) {
      throw new Error(`watchers never reached ${count}: ${JSON.stringify(res.body)}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('gort backend plugin', () => {
  it('stores watchers for annotated catalog entities and lists them', async () => {
    const { server } = await startTestBackend({
      features: [gortPlugin, catalogServiceMock.factory({ entities })],
    });

    const watchers = await waitForWatchers(server, 2);
    expect(watchers.map(w => w.entityRef)).toEqual([
      'component:default/broken',
      'component:default/podinfo',
    ]);
    const podinfo = watchers.find(w => w.entityRef.endsWith('podinfo'))!;
    expect(podinfo).toMatchObject({
      objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }],
      targetRepo: { owner: 'acme', repo: 'podinfo-gitops' },
      mode: 'fix-pr',
      problems: [],
    });
    const broken = watchers.find(w => w.entityRef.endsWith('broken'))!;
    expect(broken.objects).toEqual([]);
    expect(broken.problems.map(p => p.annotation)).toEqual([
      'gort.io/flux-app',
      'gort.io/reconcile-timeout',
    ]);
  });

  it('rejects unauthenticated requests', async () => {
    const { server } = await startTestBackend({
      features: [gortPlugin, catalogServiceMock.factory({ entities })],
    });
    const res = await request(server)
      .get('/api/gort/watchers')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('shows nothing, and answers 404, when the policy denies gort.run.read', async () => {
    const { server } = await startTestBackend({
      features: [
        gortPlugin,
        catalogServiceMock.factory({ entities }),
        // a policy that denies users everything; services keep their access
        mockServices.permissions.mock({
          authorize: async (requests, options: any) =>
            requests.map(() => ({
              result:
                options.credentials.principal.type === 'user'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
        }).factory,
      ],
    });
    // the watchers exist (a service may read them) ...
    await waitForWatchers(server, 2, mockCredentials.service.header());
    // ... but the user sees none of them
    const list = await request(server)
      .get('/api/gort/watchers')
      .set('Authorization', mockCredentials.user.header());
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    const one = await request(server)
      .get('/api/gort/entities/default/component/podinfo/status')
      .set('Authorization', mockCredentials.user.header());
    expect(one.status).toBe(404);
    expect(one.body.error).toMatchObject({ name: 'NotFoundError' });
  });

  it('watches the clusters of the catalog locator (kubernetes.clusterLocatorMethods type catalog)', async () => {
    const cluster: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'edge',
        namespace: 'default',
        annotations: {
          'kubernetes.io/api-server': 'https://127.0.0.1:1',
          'kubernetes.io/api-server-certificate-authority': 'Y2E=',
          'kubernetes.io/auth-provider': 'serviceAccount',
        },
      },
      spec: { type: 'kubernetes-cluster', owner: 'platform' },
    };
    const onEdge = component('on-edge', { 'gort.io/flux-app': 'edge:flux-system/podinfo', 'github.com/project-slug': 'acme/edge' });
    const onElsewhere = component('on-elsewhere', { 'gort.io/flux-app': 'elsewhere:flux-system/podinfo', 'github.com/project-slug': 'acme/edge' });
    const { server } = await startTestBackend({
      features: [
        gortPlugin,
        catalogServiceMock.factory({ entities: [cluster, onEdge, onElsewhere] }),
        mockServices.rootConfig.factory({
          data: {
            gort: { watchers: { refresh: { frequency: { seconds: 1 }, timeout: { seconds: 30 } } } },
            kubernetes: { clusterLocatorMethods: [{ type: 'catalog' }] },
          },
        }),
      ],
    });
    await waitForWatchers(server, 2);
    const statusOf = async (name: string) =>
      (await request(server).get(`/api/gort/entities/default/component/${name}/status`).set('Authorization', mockCredentials.user.header())).body.objects[0];
    expect(await statusOf('on-elsewhere')).toMatchObject({ state: 'unknown', message: 'cluster "elsewhere" is not configured for GORT' });
    const edge = await statusOf('on-edge');
    // Known and watched, but not listed (the API server does not answer): unknown, not "not configured".
    // Once the watch has tried to connect, the message says why; before, there is none.
    expect(edge).toMatchObject({ cluster: 'edge', state: 'unknown' });
    expect(edge.message ?? 'cluster edge unreachable').toMatch(/^cluster edge unreachable/);
  });

  it('applies gort.tenancy: what the owner is not granted is a problem, not a watched object', async () => {
    const teamA = component('team-a-app', {
      'gort.io/flux-app': 'team-a/app,flux-system/podinfo',
      'gort.io/target-repo': 'acme/team-a-gitops',
      'gort.io/fix-repo': 'acme/elsewhere',
      'gort.io/docs-paths': './',
    });
    const { server } = await startTestBackend({
      features: [
        gortPlugin,
        catalogServiceMock.factory({ entities: [teamA] }),
        mockServices.rootConfig.factory({
          data: {
            gort: {
              tenancy: { owners: [{ owner: 'team-a', namespaces: ['team-a'], repositories: ['acme/team-a-*'] }] },
            },
          },
        }),
      ],
    });
    const [watcher] = await waitForWatchers(server, 1);
    expect(watcher.objects).toEqual([{ kind: 'Kustomization', namespace: 'team-a', name: 'app' }]);
    expect(watcher.fixRepo).toEqual({ owner: 'acme', repo: 'team-a-gitops' });
    expect(watcher.docsPaths).toEqual(['docs/plans/']);
    expect(watcher.problems.map(p => [p.annotation, p.value])).toEqual([
      ['gort.io/flux-app', 'Kustomization/flux-system/podinfo'],
      ['gort.io/fix-repo', 'acme/elsewhere'],
      ['gort.io/docs-paths', '/'],
    ]);
    // a run can only be asked for on what is left: the status lists the granted object alone
    const status = await request(server).get('/api/gort/entities/default/component/team-a-app/status').set('Authorization', mockCredentials.user.header());
    expect(status.body.objects.map((o: { name: string }) => o.name)).toEqual(['app']);
  });
});
