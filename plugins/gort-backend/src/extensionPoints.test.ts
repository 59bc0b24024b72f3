import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { KubernetesClustersSupplier } from '@backstage/plugin-kubernetes-node';
import type { Run } from '@gort-backstage/plugin-gort-common';
import {
  AiProvider,
  AiToolRequest,
  gortAiExtensionPoint,
  gortClustersExtensionPoint,
  gortScmExtensionPoint,
  PROPOSE_FIX_TOOL_NAME,
  ProposeFixInput,
} from '@gort-backstage/plugin-gort-node';
import { demoPush, Sandbox, startSandbox } from '@gort-backstage/sandbox';
import request from 'supertest';
import { GitStoreScm } from './__testUtils__/gitStoreScm';
import { gortPlugin } from './plugin';

jest.setTimeout(180_000);

const WEBHOOK_SECRET = 'extension-points-secret';
const PODINFO = 'component:default/podinfo';
const DEPLOYMENT = 'clusters/demo/podinfo/deployment.yaml';

/** A model of a module's own: it answers propose_fix with the fix its config names. */
class ScriptedProvider implements AiProvider {
  readonly name = 'scripted';
  readonly requests: AiToolRequest[] = [];

  constructor(
    readonly model: string,
    private readonly fix: { search: string; replace: string },
  ) {}

  async callTool(toolRequest: AiToolRequest) {
    this.requests.push(toolRequest);
    const input: ProposeFixInput = {
      summary: `The image tag is mistyped; ${this.fix.replace} is the published one`,
      rootCause: 'The push changed the podinfo tag to one the registry does not have.',
      confidence: 0.9,
      edits: [{ kind: 'replace', path: DEPLOYMENT, search: this.fix.search, replace: this.fix.replace }],
      planDocument: { title: 'Restore the podinfo image tag', body: 'Use the published tag again.' },
    };
    return {
      answer: { stopReason: 'tool_use', toolCalls: [{ name: PROPOSE_FIX_TOOL_NAME, input }] },
      toolCallIds: ['scripted-call-1'],
      usage: { input: 1200, output: 300 },
    };
  }
}

function podinfoEntity(): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'podinfo',
      namespace: 'default',
      annotations: {
        'gort.io/flux-app': 'flux-system/podinfo',
        'github.com/project-slug': 'acme/podinfo-gitops',
        'gort.io/reconcile-timeout': '90s',
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'platform-team' },
  };
}

describe('extension points: an AI provider, an SCM and a cluster supplier added by one module', () => {
  let dir: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gort-extensions-'));
    sandbox = await startSandbox({ dataDir: dir, kubePort: 0, githubPort: 0, anthropicPort: 0, fluxTickMs: 200, healthCheckCapMs: 3000 });
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('watches the supplied cluster, asks the module AI, and opens the fix PR through the module SCM', async () => {
    const scm = new GitStoreScm('acme-git', sandbox.git, 'https://git.acme.test');
    const providers: ScriptedProvider[] = [];
    let supplierReads = 0;
    const clusters: KubernetesClustersSupplier = {
      getClusters: async () => {
        supplierReads++;
        return [
          {
            name: 'edge',
            url: sandbox.kubeUrl,
            skipTLSVerify: true,
            authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount', serviceAccountToken: sandbox.token },
          },
        ];
      },
    };
    const acmeModule = createBackendModule({
      pluginId: 'gort',
      moduleId: 'acme',
      register(env) {
        env.registerInit({
          deps: { ai: gortAiExtensionPoint, scms: gortScmExtensionPoint, clusterSuppliers: gortClustersExtensionPoint },
          async init({ ai, scms, clusterSuppliers }) {
            ai.addAiProvider({
              id: 'scripted',
              create: ({ config }) => {
                const provider = new ScriptedProvider(config.getString('model'), {
                  search: config.getString('search'),
                  replace: config.getString('replace'),
                });
                providers.push(provider);
                return provider;
              },
            });
            scms.addScmProvider(scm);
            clusterSuppliers.addClusterSupplier(clusters);
          },
        });
      },
    });

    const { server } = await startTestBackend({
      features: [
        gortPlugin,
        acmeModule,
        catalogServiceMock.factory({ entities: [podinfoEntity()] }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://backstage.test' },
            gort: {
              watchers: { refresh: { frequency: { seconds: 1 }, timeout: { seconds: 30 } } },
              webhook: { secret: WEBHOOK_SECRET },
              flux: { requestReconcile: true },
              ai: { provider: 'scripted', scripted: { model: 'scripted-1', search: 'podinfo:6.51', replace: 'podinfo:6.5.0' } },
              scm: { provider: 'acme-git' },
            },
          },
        }),
      ],
    });
    const api = (p: string) => request(server).get(`/api/gort${p}`).set('Authorization', mockCredentials.user.header());
    const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
        await new Promise(r => setTimeout(r, 250));
      }
    };

    // The cluster of the module is the only one, so the default: its Flux state shows on the entity.
    const status = await until('the podinfo Kustomization on the supplied cluster', async () => {
      const res = await api('/entities/default/component/podinfo/status');
      const object = res.body.objects?.[0];
      return res.status === 200 && object?.state === 'ready' ? object : undefined;
    });
    expect(status).toMatchObject({ cluster: 'edge', object: 'Kustomization/flux-system/podinfo' });
    expect(supplierReads).toBeGreaterThanOrEqual(1);

    // A push that breaks the deployment, delivered by the sandbox GitHub as a signed webhook.
    sandbox.github.setWebhook({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gort/webhook`, secret: WEBHOOK_SECRET });
    const pushed = await demoPush({ cloneUrl: sandbox.repoCloneUrl, token: sandbox.token, scenario: 'bad-image' });

    const run = await until('the run of the push to end with a fix PR', async () => {
      const res = await api(`/runs?entityRef=${encodeURIComponent(PODINFO)}&limit=5`);
      const found = (res.body.items ?? []).find((r: Run) => r.sha === pushed.sha);
      return found?.fixPr ? (found as Run) : undefined;
    }).then(async found => (await api(`/runs/${found.id}`)).body as Run);

    expect(run).toMatchObject({ outcome: 'failed', category: 'image-pull' });
    // The AI analysis is the module provider's answer, built from its own config section.
    expect(providers).toHaveLength(1);
    expect(providers[0].requests.length).toBeGreaterThanOrEqual(1);
    expect(run.ai).toMatchObject({ provider: 'scripted', model: 'scripted-1', summary: 'The image tag is mistyped; podinfo:6.5.0 is the published one' });
    // The PR was opened through the module SCM, and its URL is the one recorded on the run.
    expect(scm.pulls).toHaveLength(1);
    const [pull] = scm.pulls;
    expect(run.fixPr).toMatchObject({ status: 'opened', number: pull.number, url: pull.url, branch: pull.headRef, prState: 'open' });
    expect(pull).toMatchObject({ repo: 'acme/podinfo-gitops', base: 'main', labels: ['gort'] });
    // The branch holds the validated fix on top of the pushed commit.
    const fixed = await sandbox.git.readFile('acme', 'podinfo-gitops', pull.headRef, DEPLOYMENT);
    expect(fixed?.content.toString('utf8')).toContain('image: ghcr.io/stefanprodan/podinfo:6.5.0');
    const head = await sandbox.git.getCommit('acme', 'podinfo-gitops', pull.headSha);
    expect(head?.parents).toEqual([pushed.sha]);
  });
});
