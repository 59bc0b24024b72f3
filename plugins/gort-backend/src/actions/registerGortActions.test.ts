import {
  BackstageCredentials,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { explainObjects, parseManifests } from '@gort-backstage/plugin-gort-node';
import request from 'supertest';
import { deliverSignedPush, untilWatchers } from '../__testUtils__/signedPush';
import { gortPlugin } from '../plugin';

jest.setTimeout(60_000);

const SECRET = 'actions-test-secret';
const SHA = 'd'.repeat(40);
const PODINFO = 'component:default/podinfo';
const PAYMENTS = 'component:default/payments';
const ADA = 'user:default/ada';

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'gort.io/flux-app': `flux-system/${name}`, 'gort.io/target-repo': 'acme/gitops' },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

/** The policy allows the user podinfo (read, not run) and denies payments; services get everything. */
const permissions: Partial<PermissionsService> = {
  async authorize(requests, options) {
    const principal = (options as { credentials: BackstageCredentials }).credentials.principal as { type: string };
    return requests.map(r => {
      if (principal.type !== 'user') return { result: AuthorizeResult.ALLOW };
      const resourceRef = (r as { resourceRef?: string }).resourceRef;
      const allowed = resourceRef === PODINFO && r.permission.name === 'gort.run.read';
      return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    });
  },
};

const failingKustomization = `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: shop, namespace: flux-system}
spec: {interval: 5m, path: ./apps/shop, sourceRef: {kind: GitRepository, name: infra}}
status:
  conditions:
  - type: Ready
    status: "False"
    reason: BuildFailed
    message: "kustomize build failed: accumulating resources: accumulation err='accumulating resources from './missing': evalsymlink failure on '/tmp/kustomization-1/apps/shop/missing' : lstat /tmp/kustomization-1/apps/shop/missing: no such file or directory'"
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: infra, namespace: flux-system}
status:
  conditions:
  - type: Ready
    status: "False"
    reason: GitOperationFailed
    message: "unable to clone 'https://bot:ghp_${'A1b2C3d4E5'.repeat(3)}xY9z12@git.example.org/infra': authentication required"
`;

describe('GORT actions (actions registry, per-entity authorization)', () => {
  const registry = actionsRegistryServiceMock();
  const user = mockCredentials.user(ADA);
  const invoke = (name: string, input: Record<string, unknown>) =>
    registry.invoke({ id: `test:${name}`, input: input as any, credentials: user });
  let runId: string;

  beforeAll(async () => {
    const { server } = await startTestBackend({
      features: [
        gortPlugin,
        createServiceFactory({ service: actionsRegistryServiceRef, deps: {}, factory: () => registry }),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalogServiceMock({ entities: [component('podinfo'), component('payments')] }),
        }),
        mockServices.permissions.mock(permissions).factory,
        mockServices.rootConfig.factory({ data: { gort: { webhook: { secret: SECRET } } } }),
      ],
    });
    await untilWatchers(server, 2);
    await deliverSignedPush(server, { secret: SECRET, after: SHA, before: 'e'.repeat(40), deliveryId: 'actions-1', runs: 2 });
    const runs = await request(server).get(`/api/gort/commits/${SHA}/runs`).set('Authorization', mockCredentials.user.header(ADA));
    runId = runs.body.items[0].id;
  });

  it('registers five actions with schemas and honest attributes', async () => {
    const { actions } = await registry.list();
    const byName = Object.fromEntries(actions.map(a => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['diagnose', 'get-run', 'get-status', 'list-runs', 'run-now']);
    for (const name of ['get-status', 'list-runs', 'get-run', 'diagnose']) {
      expect({ name, ...byName[name].attributes }).toEqual({ name, readOnly: true, destructive: false, idempotent: true });
    }
    expect(byName['run-now'].attributes).toEqual({ readOnly: false, destructive: false, idempotent: false });
    expect(byName['get-status'].schema.input).toMatchObject({ required: ['entityRef'] });
    expect(JSON.stringify(byName['get-run'].schema.output)).toContain('evidenceSummary');
  });

  it('get-status and list-runs answer for a readable entity and "not found" for another', async () => {
    const status = await invoke('get-status', { entityRef: PODINFO });
    expect(status.output).toMatchObject({
      entityRef: PODINFO,
      objects: [{ object: 'Kustomization/flux-system/podinfo', state: 'unknown' }],
      latestRun: { sha: SHA, entityRef: PODINFO },
    });
    await expect(invoke('get-status', { entityRef: PAYMENTS })).rejects.toMatchObject({
      name: 'NotFoundError',
      message: `No entity ${PAYMENTS} is followed by GORT`,
    });

    const runs = await invoke('list-runs', { entityRef: PODINFO, limit: 5 });
    expect((runs.output as any).items.map((r: any) => [r.entityRef, r.sha])).toEqual([[PODINFO, SHA]]);
    await expect(invoke('list-runs', { entityRef: PAYMENTS })).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(invoke('list-runs', { entityRef: 'not a ref' })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('get-run answers the run of a readable entity and the same "not found" as a missing run otherwise', async () => {
    const run = await invoke('get-run', { runId });
    expect(run.output).toMatchObject({ id: runId, entityRef: PODINFO, evidenceSummary: { count: 0, items: [] } });
    const paymentsRun = (await registry.invoke({
      id: 'test:list-runs',
      input: { entityRef: PAYMENTS },
      credentials: mockCredentials.service(),
    })).output as any;
    const otherId = paymentsRun.items[0].id;
    await expect(invoke('get-run', { runId: otherId })).rejects.toMatchObject({ name: 'NotFoundError', message: `No run ${otherId}` });
    const missing = '8a1f2c3e-0000-4000-8000-000000000000';
    await expect(invoke('get-run', { runId: missing })).rejects.toMatchObject({ name: 'NotFoundError', message: `No run ${missing}` });
  });

  it('diagnose returns the diagnosis and the explain JSON of `gort diagnose --explain --json`, redacted', async () => {
    const { output } = (await invoke('diagnose', { yaml: failingKustomization })) as { output: any };
    expect(output.healthy).toBe(false);
    expect(output.diagnosis).toMatchObject({ category: 'source-auth', object: 'GitRepository/flux-system/infra' });
    expect(output.failing.sort()).toEqual(['GitRepository/flux-system/infra', 'Kustomization/flux-system/shop']);
    // the same shape the CLI prints (explain.ts), token and all redacted
    const explained = JSON.parse(JSON.stringify(explainObjects(parseManifests(failingKustomization))));
    expect(output.explanations.map((e: any) => e.object)).toEqual(explained.map((e: any) => e.object));
    expect(output.explanations[0].conditions[0]).toMatchObject({
      normalisedMessage: expect.any(String),
      matched: { name: explained[0].conditions[0].matched.name },
    });
    expect(JSON.stringify(output)).not.toContain('A1b2C3d4E5');

    await expect(invoke('diagnose', { yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}' })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/No Flux objects/),
    });
    await expect(invoke('diagnose', { yaml: failingKustomization, object: 'Kustomization/x/y' })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('run-now: "not found" for an unreadable entity, refused without gort.run.create', async () => {
    await expect(invoke('run-now', { entityRef: PAYMENTS })).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(invoke('run-now', { entityRef: PODINFO })).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(/gort.run.create/),
    });
    // a service may run it; with no cluster here there is no revision to run against
    await expect(
      registry.invoke({ id: 'test:run-now', input: { entityRef: PODINFO }, credentials: mockCredentials.service() }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
  });
});
