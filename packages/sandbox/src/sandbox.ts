import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAnthropicServer, AnthropicServer } from './anthropic';
import {
  installDemoFluxObjects,
  readRepoFiles,
  startFluxSimulation,
  FluxSimulation,
} from './flux';
import { GitRepoStore } from './git';
import { OciRegistryServer, startOciRegistry } from './oci';
import { GitHubServer, startGitHubServer } from './github';
import { createSelfSignedCertificate, KubeApiServer, startKubeApiServer } from './kube';

export const DEMO_REPO = { owner: 'acme', repo: 'podinfo-gitops' };

/** Sandbox-only credentials: they protect nothing but the local stand-ins. */
export const SANDBOX_DEFAULTS = {
  kubePort: 18443,
  githubPort: 18080,
  anthropicPort: 18090,
  token: 'gort-sandbox-token',
  webhookSecret: 'gort-sandbox-webhook-secret',
  anthropicApiKey: 'gort-sandbox-anthropic-key',
  webhookUrl: 'http://127.0.0.1:7007/api/gort/webhook',
};

export interface SandboxOptions {
  /** Where git repositories, PR state and the kubeconfig live. */
  dataDir: string;
  host?: string;
  /** 0 picks free ports (tests); the defaults are SANDBOX_DEFAULTS. */
  kubePort?: number;
  githubPort?: number;
  anthropicPort?: number;
  token?: string;
  anthropicApiKey?: string;
  /** Where push webhooks go; none when undefined. */
  webhook?: { url: string; secret: string };
  /** Serve the Kubernetes API over TLS (kubectl sends tokens only over HTTPS). */
  kubeTls?: boolean;
  fluxTickMs?: number;
  healthCheckCapMs?: number;
  /** GitRepository interval in the demo objects (default 1m, as Flux). */
  sourceInterval?: string;
  /** Accounts the sandbox's GitHub App is installed on (default: the demo repository's owner). */
  appInstalledOn?: string[];
  /** Also start an OCI distribution registry (../oci) for OCIRepository sources. */
  ociRegistry?: boolean;
}

export interface Sandbox {
  kubeUrl: string;
  /** Base64 PEM of the Kubernetes API's self-signed certificate (`caData` of a cluster), with `kubeTls`. */
  kubeCaData?: string;
  githubUrl: string;
  anthropicUrl: string;
  token: string;
  anthropicApiKey: string;
  kubeconfigPath: string;
  kube: KubeApiServer;
  github: GitHubServer;
  anthropic: AnthropicServer;
  flux: FluxSimulation;
  git: GitRepoStore;
  /** The OCI registry, with `ociRegistry`; OCIRepository URLs are `oci://${oci.host}/<repository>`. */
  oci?: OciRegistryServer;
  repoCloneUrl: string;
  /** Takes the Kubernetes API down (the cluster "goes away"); state is kept. */
  stopKubeApi(): Promise<void>;
  /** Brings it back on the same address with the same objects. */
  startKubeApi(): Promise<void>;
  close(): Promise<void>;
}

function kubeconfigYaml(url: string, token: string, insecure: boolean): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: gort-sandbox',
    '    cluster:',
    `      server: ${url}`,
    ...(insecure ? ['      insecure-skip-tls-verify: true'] : []),
    'users:',
    '  - name: gort-sandbox',
    '    user:',
    `      token: ${token}`,
    'contexts:',
    '  - name: gort-sandbox',
    '    context: { cluster: gort-sandbox, user: gort-sandbox }',
    'current-context: gort-sandbox',
    '',
  ].join('\n');
}

/**
 * Starts the three stand-ins wired together: the GitHub stand-in serves the
 * demo GitOps repository (seeded on first start), the Flux simulation follows
 * it inside the Kubernetes stand-in, and pushes are sent to the webhook.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? SANDBOX_DEFAULTS.token;
  const anthropicApiKey = options.anthropicApiKey ?? SANDBOX_DEFAULTS.anthropicApiKey;
  await mkdir(options.dataDir, { recursive: true });

  const git = new GitRepoStore(join(options.dataDir, 'git'));
  if (!git.hasRepo(DEMO_REPO.owner, DEMO_REPO.repo)) {
    await git.createRepo(DEMO_REPO.owner, DEMO_REPO.repo, {
      files: await readRepoFiles(),
      message: 'Deploy podinfo with Flux',
    });
  }
  const github = await startGitHubServer({
    host,
    port: options.githubPort ?? SANDBOX_DEFAULTS.githubPort,
    token,
    store: git,
    webhook: options.webhook,
    appInstalledOn: options.appInstalledOn ?? [DEMO_REPO.owner],
  });
  const repoCloneUrl = `${github.url}/${DEMO_REPO.owner}/${DEMO_REPO.repo}.git`;

  const tls = options.kubeTls ? await createSelfSignedCertificate() : undefined;
  let kube = await startKubeApiServer({
    host,
    port: options.kubePort ?? SANDBOX_DEFAULTS.kubePort,
    token,
    ...(tls ? { tls } : {}),
  });
  const kubePort = Number(new URL(kube.url).port);
  const kubeStore = kube.store;
  let kubeRunning = true;
  installDemoFluxObjects(kube.store, { url: repoCloneUrl });
  if (options.sourceInterval) {
    const source = kube.store.tryGet(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' },
      'flux-system',
      'flux-system',
    );
    if (source) {
      kube.store.update(source, { ...source, spec: { ...source.spec, interval: options.sourceInterval } });
    }
  }
  const oci = options.ociRegistry ? await startOciRegistry({ host }) : undefined;
  const flux = startFluxSimulation({
    store: kube.store,
    resolveRepoDir: url => git.resolveRepoDir(url),
    resolveRegistry: registryHost => (registryHost === oci?.host ? oci.store : undefined),
    tickMs: options.fluxTickMs,
    healthCheckCapMs: options.healthCheckCapMs,
  });
  const anthropic = await startAnthropicServer({
    host,
    port: options.anthropicPort ?? SANDBOX_DEFAULTS.anthropicPort,
    apiKey: anthropicApiKey,
  });

  const kubeconfigPath = join(options.dataDir, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfigYaml(kube.url, token, Boolean(tls)), { mode: 0o600 });

  return {
    get kube() {
      return kube;
    },
    kubeUrl: kube.url,
    kubeCaData: tls ? Buffer.from(tls.cert).toString('base64') : undefined,
    githubUrl: github.url,
    anthropicUrl: anthropic.url,
    token,
    anthropicApiKey,
    kubeconfigPath,
    github,
    anthropic,
    flux,
    git,
    oci,
    repoCloneUrl,
    async stopKubeApi() {
      if (!kubeRunning) return;
      kubeRunning = false;
      await kube.close();
    },
    async startKubeApi() {
      if (kubeRunning) return;
      kube = await startKubeApiServer({ host, port: kubePort, token, store: kubeStore, ...(tls ? { tls } : {}) });
      kubeRunning = true;
    },
    async close() {
      await flux.stop();
      await Promise.allSettled([
        kubeRunning ? kube.close() : Promise.resolve(),
        github.close(),
        anthropic.close(),
        oci ? oci.close() : Promise.resolve(),
      ]);
    },
  };
}
