import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APP_DIR,
  demoPush,
  SCENARIOS,
  pushChange,
  readRepoFiles,
  RepoFiles,
  Sandbox,
  SandboxClusterOptions,
  SANDBOX_DEFAULTS,
  startSandbox,
} from '@gort-backstage/sandbox';
import type { Run, RunList } from '@gort-backstage/plugin-gort-common';
import knexFactory, { Knex } from 'knex';
import { stringify } from 'yaml';
import { APP_CONFIG_FILE, appConfigOverlay, sandboxClustersOfAppConfig, sandboxPortsOfAppConfig } from './appConfigOverlay';
import { BackendProcess, freePort, portIsFree } from './backendProcess';
import { PG_ENV, postgresSkipReason } from './postgres';

export const PODINFO = 'component:default/podinfo';

export interface GortEnvironmentOptions {
  /** Backend replicas sharing one database (PostgreSQL when more than one). */
  backends?: number;
  database?: 'sqlite' | 'postgres';
  /** More components following the same Kustomization (load tests). */
  extraEntities?: number;
  /** Flux objects the extra components follow instead (`namespace/name` by index). */
  extraEntityObject?: (index: number) => string;
  /** More annotations for the extra components, by index. */
  extraEntityAnnotations?: (index: number) => Record<string, string>;
  healthCheckCapMs?: number;
  reconcileTimeout?: string;
  lease?: string;
  /** GitRepository interval of the simulated Flux (default 1m, as Flux). */
  sourceInterval?: string;
  /** Serve the built app (packages/app/dist) from the backend, as in production. */
  serveApp?: boolean;
  /** More catalog entities, as they are (e.g. another team's components). */
  moreEntities?: object[];
  /** More `gort` config, merged over the harness's. */
  gortConfig?: Record<string, unknown>;
  /** Watchers the guest sees once the catalog is read; default 1 + extraEntities. */
  expectedWatchers?: number;
  /**
   * Authenticate to the sandbox GitHub as its GitHub App (installed on the
   * demo repository's owner) as well as with the token: check runs then go
   * through the App, as `@backstage/integration` prefers App credentials.
   */
  githubApp?: boolean;
  /** Start the sandbox's OCI registry (`sandbox.oci`) for OCIRepository sources. */
  ociRegistry?: boolean;
  /** `gort.fixPr.allowedPaths`: where fixes may edit beyond the object's spec.path tree. */
  fixPrAllowedPaths?: string[];
  /**
   * Several sandbox clusters, each with its own Kubernetes API and Flux on the
   * shared repository, configured in `gort.clusters` in this order (the first
   * is the default). Default: one cluster `demo`.
   */
  clusters?: HarnessCluster[];
  /** How long each backend may take to start (default 120 s; load tests on a busy machine need more). */
  backendStartTimeoutMs?: number;
  /** podinfo's `gort.io/flux-app`; default its Kustomization in every cluster (`name:flux-system/podinfo`, …). */
  podinfoFluxApp?: string;
}

export interface HarnessCluster extends SandboxClusterOptions {
  /** The token the backend is configured with for it (a wrong one gives 401s); default the sandbox's. */
  backendToken?: string;
}

/**
 * Teams and users of the catalog: the guest (the harness's default identity)
 * is in the platform team, which owns the test entities; `OTHER_USER` signs
 * in through the demoUsers provider and is in another team, so the ownership
 * permission policy of packages/backend refuses it the platform's entities.
 */
export const OTHER_USER = 'user:default/pat';
const directory = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform-team' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'other-team' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'guest' }, spec: { memberOf: ['platform-team'] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'pat' }, spec: { memberOf: ['other-team'] } },
];

function entitiesYaml(
  extra: number,
  reconcileTimeout: string,
  objectFor: (index: number) => string = () => 'flux-system/podinfo',
  annotationsFor: (index: number) => Record<string, string> = () => ({}),
  more: object[] = [],
  podinfoFluxApp = 'flux-system/podinfo',
): string {
  const component = (name: string, fluxApp = 'flux-system/podinfo', extraAnnotations: Record<string, string> = {}) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'gort.io/flux-app': fluxApp,
        'github.com/project-slug': 'acme/podinfo-gitops',
        'gort.io/reconcile-timeout': reconcileTimeout,
        ...extraAnnotations,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'platform-team' },
  });
  const docs: object[] = [component('podinfo', podinfoFluxApp)];
  for (let i = 0; i < extra; i++) docs.push(component(`podinfo-copy-${i}`, objectFor(i), annotationsFor(i)));
  docs.push(...more);
  return [...docs, ...directory].map(doc => `---\n${stringify(doc)}`).join('');
}

/** Drops the per-plugin databases the backends created under `prefix`. */
async function dropDatabases(prefix: string): Promise<void> {
  const db = knexFactory({ client: 'pg', connection: process.env[PG_ENV] });
  try {
    const { rows } = await db.raw('SELECT datname FROM pg_database WHERE datname LIKE ?', [`${prefix}%`]);
    for (const { datname } of rows as Array<{ datname: string }>) {
      await db.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
    }
  } finally {
    await db.destroy();
  }
}

export interface AppConfigEnvironmentOptions {
  /**
   * Where the browser loads the app (the backend's CORS origin); the backend
   * itself, which serves the built app, when absent.
   */
  appBaseUrl?: string;
  healthCheckCapMs?: number;
}

/**
 * One or more real backends (packages/backend, GORT installed) wired to an
 * in-process sandbox: the GitHub stand-in sends signed pushes to GORT's
 * webhook, GORT watches the Kubernetes stand-in where Flux is simulated.
 */
export class GortEnvironment {
  private tokens = new Map<string, string>();

  private constructor(
    readonly dir: string,
    readonly sandbox: Sandbox,
    readonly backends: BackendProcess[],
    private readonly cleanup: () => Promise<void>,
    private readonly database: { kind: 'sqlite' | 'postgres'; prefix: string },
    /** What the backends were configured with, beyond the test's own file. */
    readonly config: { files: string[]; overlay?: Record<string, unknown> } = { files: [] },
  ) {}

  /**
   * One backend configured as `npm start` configures it: app-config.yaml as
   * it is, plus an overlay of ports, base URLs and the database directory
   * (see appConfigOverlay.ts). The sandbox listens where app-config.yaml
   * expects it, so those ports must be free (no `npm start` running).
   */
  static async startWithAppConfig(options: AppConfigEnvironmentOptions = {}): Promise<GortEnvironment> {
    const ports = sandboxPortsOfAppConfig();
    const clusters = sandboxClustersOfAppConfig();
    const allPorts = { ...ports, ...Object.fromEntries(clusters.map(c => [`cluster ${c.name}`, c.kubePort])) };
    for (const [name, port] of Object.entries(allPorts)) {
      if (!(await portIsFree(port))) {
        throw new Error(
          `port ${port} (${name} in app-config.yaml) is in use: stop \`npm start\` or \`npm run sandbox\` before this test`,
        );
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'gort-e2e-'));
    const sandbox = await startSandbox({
      dataDir: join(dir, 'sandbox'),
      ...ports,
      clusters,
      kubeTls: true,
      fluxTickMs: 200,
      healthCheckCapMs: options.healthCheckCapMs ?? 4000,
    });
    const port = await freePort();
    const overlay = appConfigOverlay({
      backendPort: port,
      appBaseUrl: options.appBaseUrl ?? `http://127.0.0.1:${port}`,
      databaseDir: join(dir, 'sqlite'),
    });
    const overlayFile = join(dir, 'app-config.overlay.yaml');
    await writeFile(overlayFile, stringify(overlay));
    const files = [APP_CONFIG_FILE, overlayFile];
    const backend = new BackendProcess('backend-0', port, files);
    const cleanup = async () => {
      await backend.stop();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    };
    try {
      await backend.start();
    } catch (error) {
      await cleanup();
      throw error;
    }
    sandbox.github.setWebhook({ url: `${backend.baseUrl}/api/gort/webhook`, secret: SANDBOX_DEFAULTS.webhookSecret });
    const env = new GortEnvironment(dir, sandbox, [backend], cleanup, { kind: 'sqlite', prefix: '' }, { files, overlay });
    await env.waitFor('podinfo (examples/entities.yaml) to be read into watchers', async () => {
      const res = await env.api<{ items: Array<{ entityRef: string }> }>('/watchers');
      return res.body.items.some(watcher => watcher.entityRef === PODINFO);
    }, 120_000);
    return env;
  }

  static async start(
    options: GortEnvironmentOptions = {},
    beforeBackends?: (sandbox: Sandbox) => Promise<void> | void,
  ): Promise<GortEnvironment> {
    const dir = await mkdtemp(join(tmpdir(), 'gort-e2e-'));
    const sandbox = await startSandbox({
      dataDir: join(dir, 'sandbox'),
      kubePort: 0,
      githubPort: 0,
      anthropicPort: 0,
      fluxTickMs: 200,
      healthCheckCapMs: options.healthCheckCapMs ?? 4000,
      ...(options.sourceInterval ? { sourceInterval: options.sourceInterval } : {}),
      ...(options.clusters ? { clusters: options.clusters } : {}),
      ...(options.ociRegistry ? { ociRegistry: true } : {}),
    });
    await beforeBackends?.(sandbox);
    const count = options.backends ?? 1;
    const database = options.database ?? (count > 1 ? 'postgres' : 'sqlite');
    const prefix = `gort_e2e_${randomBytes(4).toString('hex')}_`;
    if (database === 'postgres' && !process.env[PG_ENV]) {
      throw new Error(`this test needs PostgreSQL (use describeWithPostgres): ${postgresSkipReason()}`);
    }
    const entitiesFile = join(dir, 'entities.yaml');
    await writeFile(
      entitiesFile,
      entitiesYaml(
        options.extraEntities ?? 0,
        options.reconcileTimeout ?? '90s',
        options.extraEntityObject,
        options.extraEntityAnnotations,
        options.moreEntities,
        options.podinfoFluxApp ??
          (options.clusters ? options.clusters.map(c => `${c.name}:flux-system/podinfo`).join(',') : undefined),
      ),
    );
    const gortClusters = options.clusters
      ? options.clusters.map(c => ({
          name: c.name,
          url: sandbox.cluster(c.name).kubeUrl,
          serviceAccountToken: c.backendToken ?? sandbox.token,
          skipTLSVerify: true,
        }))
      : [{ name: 'demo', url: sandbox.kubeUrl, serviceAccountToken: sandbox.token, skipTLSVerify: true }];

    const backends: BackendProcess[] = [];
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const config = {
        app: { baseUrl: options.serveApp ? `http://127.0.0.1:${port}` : 'http://localhost:3000', title: 'GORT for Backstage' },
        backend: {
          baseUrl: `http://127.0.0.1:${port}`,
          listen: { port, host: '127.0.0.1' },
          // GORT's actions, served over MCP by @backstage/plugin-mcp-actions-backend
          actions: { pluginSources: ['gort'] },
          database:
            database === 'postgres'
              ? { client: 'pg', connection: process.env[PG_ENV], prefix }
              : { client: 'better-sqlite3', connection: { directory: join(dir, 'sqlite') } },
        },
        auth: {
          providers: {
            // ownershipEntityRefs hold even when the guest signs in before the catalog has read the user
            guest: { userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest', 'group:default/platform-team'] },
            demoUsers: { users: [OTHER_USER] },
          },
        },
        catalog: {
          rules: [{ allow: ['Component', 'Group', 'User', 'Location'] }],
          locations: [{ type: 'file', target: entitiesFile }],
        },
        permission: { enabled: true },
        // as app-config.production.yaml: replicas never give up the shared event bus at startup
        events: { useEventBus: 'always' },
        integrations: {
          github: [
            {
              host: new URL(sandbox.githubUrl).host,
              apiBaseUrl: sandbox.githubUrl,
              token: sandbox.token,
              ...(options.githubApp
                ? {
                    apps: [
                      {
                        appId: sandbox.github.app.appId,
                        clientId: sandbox.github.app.clientId,
                        clientSecret: sandbox.github.app.clientSecret,
                        webhookSecret: sandbox.github.app.webhookSecret,
                        privateKey: sandbox.github.app.privateKey,
                      },
                    ],
                  }
                : {}),
            },
          ],
        },
        gort: {
          watchers: { refresh: { frequency: { seconds: 2 }, timeout: { seconds: 30 } } },
          webhook: { secret: SANDBOX_DEFAULTS.webhookSecret },
          flux: { requestReconcile: true },
          ai: {
            provider: 'anthropic',
            anthropic: { apiKey: sandbox.anthropicApiKey, baseUrl: sandbox.anthropicUrl },
          },
          fixPr: {
            githubHost: new URL(sandbox.githubUrl).host,
            ...(options.fixPrAllowedPaths ? { allowedPaths: options.fixPrAllowedPaths } : {}),
          },
          runs: { lease: options.lease ?? '3s' },
          clusters: gortClusters,
          ...options.gortConfig,
        },
      };
      const configFile = join(dir, `app-config.backend-${i}.yaml`);
      await writeFile(configFile, stringify(config));
      backends.push(new BackendProcess(`backend-${i}`, port, [configFile]));
    }
    // One after another, as a rolling deployment starts replicas.
    for (const backend of backends) await backend.start(options.backendStartTimeoutMs);
    sandbox.github.setWebhook({
      url: `${backends[0].baseUrl}/api/gort/webhook`,
      secret: SANDBOX_DEFAULTS.webhookSecret,
    });

    const cleanup = async () => {
      await Promise.all(backends.map(b => b.stop()));
      await sandbox.close();
      if (database === 'postgres') await dropDatabases(prefix);
      await rm(dir, { recursive: true, force: true });
    };
    const env = new GortEnvironment(dir, sandbox, backends, cleanup, { kind: database, prefix });
    await env.waitFor('the catalog to be read into watchers', async () => {
      const res = await env.api<{ items: unknown[] }>('/watchers');
      return res.body.items?.length === (options.expectedWatchers ?? 1 + (options.extraEntities ?? 0));
    }, 90_000 + 200 * (options.extraEntities ?? 0));
    return env;
  }

  /** A connection to GORT's own database (the caller destroys it). */
  pluginDatabase(): Knex {
    return this.database.kind === 'postgres'
      ? knexFactory({ client: 'pg', connection: `${process.env[PG_ENV]}/${this.database.prefix}gort`, pool: { min: 0, max: 4 } })
      : knexFactory({ client: 'better-sqlite3', connection: { filename: join(this.dir, 'sqlite', 'gort.sqlite') }, useNullAsDefault: true });
  }

  get backend(): BackendProcess {
    return this.backends[0];
  }

  async close(): Promise<void> {
    await this.cleanup();
  }

  /** A user token: the guest's, or `user`'s through the demoUsers provider. */
  async token(backend: BackendProcess = this.backend, user?: string): Promise<string> {
    const key = `${backend.name}/${user ?? 'guest'}`;
    const cached = this.tokens.get(key);
    if (cached) return cached;
    let body: any;
    // demoUsers signs in catalog users only, so it fails until the catalog has read them
    await this.waitFor(`the sign-in of ${user ?? 'the guest'}`, async () => {
      const res = await fetch(`${backend.baseUrl}/api/auth/${user ? 'demoUsers' : 'guest'}/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(user ? { 'x-demo-user': user } : {}) },
      });
      body = await res.json();
      return Boolean(body.backstageIdentity?.token);
    }, 60_000, () => JSON.stringify(body));
    const token: string = body.backstageIdentity.token;
    this.tokens.set(key, token);
    return token;
  }

  async api<T = any>(
    path: string,
    init: RequestInit = {},
    backend: BackendProcess = this.backend,
    user?: string,
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(`${backend.baseUrl}/api/gort${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${await this.token(backend, user)}`,
        'Content-Type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  /** Commits a sandbox scenario over git smart HTTP and pushes it. */
  async push(scenario: string): Promise<string> {
    const { sha } = await demoPush({ cloneUrl: this.sandbox.repoCloneUrl, token: this.sandbox.token, scenario });
    return sha;
  }

  /**
   * Commits a sandbox scenario to one cluster's folder only (the scenarios are
   * written for the demo app's folder; `path` gets the same change) and pushes it.
   */
  async pushScenarioTo(path: string, scenario: string): Promise<string> {
    const app = APP_DIR;
    const seed = await readRepoFiles();
    return this.pushFiles(`${SCENARIOS[scenario].commitMessage} (${path})`, files => {
      const view: RepoFiles = {};
      for (const [file, content] of Object.entries(files)) {
        if (file.startsWith(`${path}/`)) view[`${app}/${file.slice(path.length + 1)}`] = content;
      }
      const changed = SCENARIOS[scenario].apply(view, { seed });
      const result = { ...files };
      for (const [file, content] of Object.entries(changed)) {
        if (file.startsWith(`${app}/`)) result[`${path}/${file.slice(app.length + 1)}`] = content;
      }
      return result;
    });
  }

  /** Commits an arbitrary change to the demo repository and pushes it. */
  async pushFiles(message: string, change: (files: RepoFiles) => RepoFiles): Promise<string> {
    const { sha } = await pushChange({ cloneUrl: this.sandbox.repoCloneUrl, token: this.sandbox.token, message, change });
    return sha;
  }

  async runs(entityRef = PODINFO, limit = 100): Promise<RunList['items']> {
    const res = await this.api<RunList>(`/runs?entityRef=${encodeURIComponent(entityRef)}&limit=${limit}`);
    return res.body.items;
  }

  async run(id: string): Promise<Run> {
    return (await this.api<Run>(`/runs/${id}`)).body;
  }

  /** The run of `entityRef` for commit `sha`, once `done(run)` holds. */
  async waitForRun(sha: string, done: (run: Run) => boolean, entityRef = PODINFO, timeoutMs = 120_000): Promise<Run> {
    let last: Run | undefined;
    await this.waitFor(`the run of ${sha.slice(0, 7)}`, async () => {
      const summary = (await this.runs(entityRef)).find(r => r.sha === sha);
      if (!summary) return false;
      last = await this.run(summary.id);
      return done(last);
    }, timeoutMs, () => JSON.stringify(last?.timeline ?? 'no run yet'));
    return last!;
  }

  async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, describe?: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await check()) return;
      } catch {
        // not there yet
      }
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}${describe ? `: ${describe()}` : ''}\n${this.backends.map(logTail).join('\n')}`,
        );
      }
      await new Promise(r => setTimeout(r, 250));
    }
  }
}

/**
 * The end of a backend's log without the access-log lines of incoming
 * requests (polling fills the tail with them), for every replica: a failure
 * seen on one replica is often explained by another's log.
 */
function logTail(backend: BackendProcess): string {
  const lines = backend.log.split('\n').filter(line => !line.includes('type="incomingRequest"'));
  return `--- ${backend.name} log tail ---\n${lines.join('\n').slice(-3000)}`;
}
