import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAnthropicServer, AnthropicServer } from './anthropic';
import {
  APP_DIR,
  installDemoFluxObjects,
  readRepoFiles,
  RepoFiles,
  startFluxSimulation,
  FluxSimulation,
  ResolveRegistry,
} from './flux';
import { GitRepoStore } from './git';
import { OciRegistryServer, startOciRegistry } from './oci';
import { GitHubServer, startGitHubServer } from './github';
import { createSelfSignedCertificate, KubeApiServer, startKubeApiServer } from './kube';

export const DEMO_REPO = { owner: 'acme', repo: 'podinfo-gitops' };

/**
 * The demo's clusters (`npm run sandbox`), on consecutive ports from `kubePort`: each reconciles
 * its own folder of the demo repository, `clusters/<name>/podinfo`.
 */
export const DEMO_CLUSTERS: SandboxClusterOptions[] = [{ name: 'demo' }, { name: 'staging' }, { name: 'prod' }];

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

/** One simulated cluster: its own Kubernetes API stand-in and Flux, reading the shared repository. */
export interface SandboxClusterOptions {
  /** The cluster's name (e.g. `staging`); also `CLUSTER_NAME` in the Kustomization's substitutions. */
  name: string;
  /**
   * The repository folder this cluster's Kustomization reconciles (`spec.path`), default
   * `clusters/<name>/podinfo` (the demo app's folder for `demo`). A folder the repository
   * lacks is seeded with a copy of the demo app's manifests.
   */
  path?: string;
  /** Its API's port; default `kubePort` + the cluster's index (0 stays 0: a free port). */
  kubePort?: number;
}

/** A simulated cluster of the sandbox. */
export interface SandboxKubeCluster {
  name: string;
  /** The Kustomization's `spec.path`, without the leading `./`. */
  path: string;
  kubeUrl: string;
  kubeCaData?: string;
  /** The API server currently running (a new one after `startKubeApi`). */
  readonly kube: KubeApiServer;
  flux: FluxSimulation;
  /** Takes this cluster's API down; its objects and its Flux keep going. */
  stopKubeApi(): Promise<void>;
  startKubeApi(): Promise<void>;
}

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
  /**
   * Several clusters, each with its own Kubernetes API and Flux; default one cluster `demo` on
   * the demo app's folder. The first is also the sandbox's `kube`, `flux` and `kubeUrl`.
   */
  clusters?: SandboxClusterOptions[];
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
  /** Every simulated cluster, the first one first. */
  clusters: SandboxKubeCluster[];
  /** The cluster of that name (throws when there is none). */
  cluster(name: string): SandboxKubeCluster;
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

function kubeconfigYaml(clusters: Array<{ name: string; url: string }>, token: string, insecure: boolean): string {
  // The first cluster keeps the context name `gort-sandbox` (the single-cluster default).
  const contextOf = (index: number, name: string) => (index === 0 ? 'gort-sandbox' : `gort-sandbox-${name}`);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...clusters.flatMap((cluster, index) => [
      `  - name: ${contextOf(index, cluster.name)}`,
      '    cluster:',
      `      server: ${cluster.url}`,
      ...(insecure ? ['      insecure-skip-tls-verify: true'] : []),
    ]),
    'users:',
    '  - name: gort-sandbox',
    '    user:',
    `      token: ${token}`,
    'contexts:',
    ...clusters.flatMap((cluster, index) => [
      `  - name: ${contextOf(index, cluster.name)}`,
      `    context: { cluster: ${contextOf(index, cluster.name)}, user: gort-sandbox }`,
    ]),
    'current-context: gort-sandbox',
    '',
  ].join('\n');
}

const DEFAULT_CLUSTERS: SandboxClusterOptions[] = [{ name: 'demo' }];

function clusterPath(cluster: SandboxClusterOptions): string {
  return (cluster.path ?? `clusters/${cluster.name}/podinfo`).replace(/^\.\//, '').replace(/\/+$/, '');
}

/** Copies the demo app's folder to the cluster folders an existing repository lacks (one commit). */
async function addMissingClusterFolders(git: GitRepoStore, paths: string[]): Promise<void> {
  const { owner, repo } = DEMO_REPO;
  const branch = await git.getDefaultBranch(owner, repo);
  const missing: string[] = [];
  for (const path of paths) {
    if (!(await git.getPathEntry(owner, repo, branch, path).catch(() => undefined))) missing.push(path);
  }
  if (missing.length === 0) return;
  const files: Record<string, Buffer> = {};
  for (const entry of (await git.readTree(owner, repo, branch, APP_DIR)) ?? []) {
    if (entry.type !== 'blob') continue;
    const file = await git.readFile(owner, repo, branch, entry.path);
    if (file === undefined) continue;
    for (const path of missing) files[`${path}/${entry.path.slice(APP_DIR.length + 1)}`] = file.content;
  }
  await git.commitFiles(owner, repo, {
    branch,
    changes: files,
    message: `Add the folders of clusters ${missing.join(', ')}`,
    author: { name: 'GORT sandbox', email: 'sandbox@gort.invalid' },
  });
}

/** The seed, plus a copy of the demo app's folder for every cluster path the seed lacks. */
function withClusterFolders(files: RepoFiles, paths: string[]): RepoFiles {
  const result = { ...files };
  for (const path of paths) {
    if (Object.keys(files).some(file => file.startsWith(`${path}/`))) continue;
    for (const [file, content] of Object.entries(files)) {
      if (file.startsWith(`${APP_DIR}/`)) result[`${path}/${file.slice(APP_DIR.length + 1)}`] = content;
    }
  }
  return result;
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

  const clusterOptions = options.clusters?.length ? options.clusters : DEFAULT_CLUSTERS;
  const names = new Set(clusterOptions.map(c => c.name));
  if (names.size !== clusterOptions.length) throw new Error('sandbox clusters need distinct names');

  const git = new GitRepoStore(join(options.dataDir, 'git'));
  if (!git.hasRepo(DEMO_REPO.owner, DEMO_REPO.repo)) {
    await git.createRepo(DEMO_REPO.owner, DEMO_REPO.repo, {
      files: withClusterFolders(await readRepoFiles(), clusterOptions.map(clusterPath)),
      message: 'Deploy podinfo with Flux',
    });
  } else {
    await addMissingClusterFolders(git, clusterOptions.map(clusterPath));
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
  const oci = options.ociRegistry ? await startOciRegistry({ host }) : undefined;
  const basePort = options.kubePort ?? SANDBOX_DEFAULTS.kubePort;
  const clusters: SandboxKubeCluster[] = [];
  for (const [index, clusterOption] of clusterOptions.entries()) {
    clusters.push(
      await startCluster({
        host,
        token,
        tls,
        port: clusterOption.kubePort ?? (basePort === 0 ? 0 : basePort + index),
        name: clusterOption.name,
        path: clusterPath(clusterOption),
        repoCloneUrl,
        resolveRepoDir: url => git.resolveRepoDir(url),
        sourceInterval: options.sourceInterval,
        fluxTickMs: options.fluxTickMs,
        healthCheckCapMs: options.healthCheckCapMs,
        resolveRegistry: registryHost => (registryHost === oci?.host ? oci.store : undefined),
      }),
    );
  }
  const first = clusters[0];
  const anthropic = await startAnthropicServer({
    host,
    port: options.anthropicPort ?? SANDBOX_DEFAULTS.anthropicPort,
    apiKey: anthropicApiKey,
  });

  const kubeconfigPath = join(options.dataDir, 'kubeconfig');
  await writeFile(
    kubeconfigPath,
    kubeconfigYaml(clusters.map(c => ({ name: c.name, url: c.kubeUrl })), token, Boolean(tls)),
    { mode: 0o600 },
  );

  return {
    get kube() {
      return first.kube;
    },
    kubeUrl: first.kubeUrl,
    kubeCaData: first.kubeCaData,
    githubUrl: github.url,
    anthropicUrl: anthropic.url,
    token,
    anthropicApiKey,
    kubeconfigPath,
    clusters,
    cluster(name: string) {
      const found = clusters.find(c => c.name === name);
      if (!found) throw new Error(`the sandbox has no cluster "${name}" (it has ${clusters.map(c => c.name).join(', ')})`);
      return found;
    },
    github,
    anthropic,
    flux: first.flux,
    git,
    oci,
    repoCloneUrl,
    stopKubeApi: () => first.stopKubeApi(),
    startKubeApi: () => first.startKubeApi(),
    async close() {
      await Promise.all(clusters.map(c => c.flux.stop()));
      await Promise.allSettled([
        ...clusters.map(c => c.stopKubeApi()),
        github.close(),
        anthropic.close(),
        oci ? oci.close() : Promise.resolve(),
      ]);
    },
  };
}

interface StartClusterOptions {
  host: string;
  token: string;
  tls?: { cert: string; key: string };
  port: number;
  name: string;
  path: string;
  repoCloneUrl: string;
  resolveRepoDir: (url: string) => string | undefined;
  sourceInterval?: string;
  fluxTickMs?: number;
  healthCheckCapMs?: number;
  resolveRegistry?: ResolveRegistry;
}

/** One Kubernetes API stand-in with the demo Flux objects (path and CLUSTER_NAME of this cluster) and its Flux. */
async function startCluster(options: StartClusterOptions): Promise<SandboxKubeCluster> {
  const { host, token, tls } = options;
  let kube = await startKubeApiServer({ host, port: options.port, token, ...(tls ? { tls } : {}) });
  const kubePort = Number(new URL(kube.url).port);
  const kubeStore = kube.store;
  let kubeRunning = true;
  installDemoFluxObjects(kubeStore, { url: options.repoCloneUrl });
  if (options.sourceInterval) {
    const source = kubeStore.tryGet(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' },
      'flux-system',
      'flux-system',
    );
    if (source) {
      kubeStore.update(source, { ...source, spec: { ...source.spec, interval: options.sourceInterval } });
    }
  }
  const kustomizationType = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };
  const kustomization = kubeStore.tryGet(kustomizationType, 'flux-system', 'podinfo');
  if (kustomization && (options.path !== APP_DIR || options.name !== 'demo')) {
    const spec = kustomization.spec as { postBuild?: { substitute?: Record<string, string> } };
    kubeStore.update(kustomization, {
      ...kustomization,
      spec: {
        ...kustomization.spec,
        path: `./${options.path}`,
        postBuild: { ...spec.postBuild, substitute: { ...spec.postBuild?.substitute, CLUSTER_NAME: options.name } },
      },
    });
  }
  const flux = startFluxSimulation({
    store: kubeStore,
    resolveRepoDir: options.resolveRepoDir,
    resolveRegistry: options.resolveRegistry,
    tickMs: options.fluxTickMs,
    healthCheckCapMs: options.healthCheckCapMs,
  });
  return {
    name: options.name,
    path: options.path,
    get kube() {
      return kube;
    },
    kubeUrl: kube.url,
    kubeCaData: tls ? Buffer.from(tls.cert).toString('base64') : undefined,
    flux,
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
  };
}
