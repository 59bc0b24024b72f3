import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { mockServices } from '@backstage/backend-test-utils';
import type { AuditorService } from '@backstage/backend-plugin-api';
import knexFactory from 'knex';
import type { Run, WatchedObject } from '@gort-backstage/plugin-gort-common';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { AnthropicServer, GitHubServer, GitRepoStore, startAnthropicServer, startGitHubServer } from '@gort-backstage/sandbox';
import { Octokit } from '@octokit/rest';
import { DatabaseRunStore } from '../../database/DatabaseRunStore';
import { DatabaseWatcherStore } from '../../database/DatabaseWatcherStore';
import { migrationsDir } from '../../database/migrations';
import { ClusterReader } from '../../flux/FluxClusterClient';
import { FluxObjectLookup } from '../../runs/judgeRunObject';
import { createGortFollowUps, FollowUpMetrics } from '../createGortFollowUps';

export const TOKEN = 'sandbox-token';
export const API_KEY = 'sk-ant-sandbox';
export const KUSTOMIZATION_OBJECT: WatchedObject = { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' };

export const DEPLOYMENT = (image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: apps
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: ${image}
          ports:
            - containerPort: 9898
          resources:
            limits:
              memory: 128Mi
`;

export const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: podinfo
  namespace: apps
spec:
  selector:
    app: podinfo
  ports:
    - port: 9898
`;

export const FLEET_FILES: Record<string, string> = {
  'apps/podinfo/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\n',
  'apps/podinfo/deployment.yaml': DEPLOYMENT('ghcr.io/stefanprodan/podinfo:6.5.0'),
  'apps/podinfo/service.yaml': SERVICE,
  'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - podinfo\n',
  'docs/plans/podinfo.md': '# podinfo\n\nThe podinfo Deployment runs 2 replicas in namespace apps.\n',
  '.github/workflows/ci.yml': 'name: ci\non: push\n',
  'README.md': '# fleet\n',
};

/** A Kustomization as the FluxObserver would cache it. */
export function kustomizationObject(): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system', generation: 1 },
    spec: { path: './apps', sourceRef: { kind: 'GitRepository', name: 'fleet' } },
    status: {
      inventory: {
        entries: [
          { id: 'apps_podinfo_apps_Deployment', v: 'v1' },
          { id: 'apps_podinfo__Service', v: 'v1' },
        ],
      },
    },
  } as KubeObject;
}

/** The Flux cache GORT reads, holding the one Kustomization. */
export function staticLookup(objects: KubeObject[]): FluxObjectLookup {
  return {
    resolveCluster: name => name ?? 'demo',
    hasCluster: name => name === 'demo',
    get: (_cluster, kind, namespace, name) =>
      objects.find(o => o.kind === kind && o.metadata?.namespace === namespace && o.metadata?.name === name),
    list: (_cluster, kind) => objects.filter(o => o.kind === kind),
    isSynced: () => true,
  };
}

/** A cluster whose podinfo Deployment runs `readyReplicas` of `replicas`. */
export function clusterWithDeployment(replicas: number, readyReplicas: number): ClusterReader {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'podinfo', namespace: 'apps' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'podinfo' } },
      template: { spec: { containers: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.5.0', resources: { limits: { memory: '128Mi' } } }] } },
    },
    status: { replicas, readyReplicas, availableReplicas: readyReplicas, updatedReplicas: replicas },
  } as KubeObject;
  const pods = Array.from({ length: readyReplicas }, (_, i) => ({
    kind: 'Pod',
    metadata: { name: `podinfo-7d9f8c6b5-x2k4${i}`, namespace: 'apps' },
    status: { containerStatuses: [{ name: 'podinfo', restartCount: 0, ready: true }] },
  })) as KubeObject[];
  return {
    getObject: async (_v, kind, ns, name) => (kind === 'Deployment' && ns === 'apps' && name === 'podinfo' ? deployment : undefined),
    listObjects: async () => [],
    listEventsFor: async () => [],
    listPods: async () => pods,
    readLog: async () => '',
    requestReconcile: async () => {},
  } as ClusterReader;
}

export interface MetricRecord {
  ai: Array<{ outcome: string; tokens: { input: number; output: number } }>;
  fixPrs: string[];
  intents: string[];
}

/** Sandbox GitHub and Anthropic, a SQLite database, and GORT's follow-ups built from config. */
export async function startScenarioEnvironment() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gort-followups-'));
  const gitStore = new GitRepoStore(path.join(dataDir, 'git'));
  const github: GitHubServer = await startGitHubServer({ token: TOKEN, store: gitStore });
  const anthropic: AnthropicServer = await startAnthropicServer({ apiKey: API_KEY, retryAfterSeconds: 0 });
  const db = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  await db.migrate.latest({ directory: migrationsDir });
  const runStore = new DatabaseRunStore(db);
  const watcherStore = new DatabaseWatcherStore(db);
  const octokit = new Octokit({ auth: TOKEN, baseUrl: github.url });
  const metrics: MetricRecord = { ai: [], fixPrs: [], intents: [] };
  const observer: FollowUpMetrics = {
    aiRequest: r => metrics.ai.push({ outcome: r.outcome, tokens: r.tokens }),
    fixPr: r => metrics.fixPrs.push(r),
    intentVerdict: r => metrics.intents.push(r),
  };

  const build = (options: { ai?: 'anthropic' | 'none'; cluster?: ClusterReader; fixPr?: JsonObject; auditor?: AuditorService } = {}) => {
    const config = new ConfigReader({
      app: { baseUrl: 'http://backstage.test' },
      integrations: { github: [{ host: new URL(github.url).host, apiBaseUrl: github.url, token: TOKEN }] },
      gort: {
        ai:
          options.ai === 'none'
            ? { provider: 'none' }
            : {
                anthropic: { apiKey: API_KEY, baseUrl: anthropic.url, model: 'claude-sonnet-5-5' },
                retries: { maxRetries: 2, baseDelay: '10ms', maxDelay: '20ms' },
              },
        fixPr: options.fixPr ?? {},
      },
    });
    return createGortFollowUps({
      config,
      db,
      logger: mockServices.logger.mock(),
      runStore,
      watcherStore,
      lookup: staticLookup([kustomizationObject()]),
      readerFor: () => options.cluster,
      metrics: observer,
      auditor: options.auditor,
    });
  };

  let repoCounter = 0;
  /** A fresh fleet repository, its watcher, and a push changing `changes`. */
  const scenario = async (changes: Record<string, string>, mode: 'fix-pr' | 'diagnose-only' = 'fix-pr', ai: 'on' | 'off' = 'on') => {
    repoCounter++;
    const repo = `fleet${repoCounter}`;
    const entityRef = `component:default/podinfo${repoCounter}`;
    await gitStore.createRepo('acme', repo, { files: FLEET_FILES });
    const before = (await gitStore.getRef('acme', repo, 'refs/heads/main'))!;
    const pushed = await gitStore.commitFiles('acme', repo, {
      branch: 'main',
      changes,
      message: 'Update podinfo',
      author: { name: 'Ada', email: 'ada@example.test' },
    });
    const existing = await watcherStore.list();
    await watcherStore.replaceAll([
      ...existing.map(({ updatedAt, ...w }) => w),
      { entityRef, objects: [KUSTOMIZATION_OBJECT], targetRepo: { owner: 'acme', repo }, docsPaths: ['docs/plans/'], mode, ...(ai === 'off' ? { ai } : {}), problems: [] },
    ]);
    const created = await runStore.createRun({
      entityRef,
      objects: [KUSTOMIZATION_OBJECT],
      repo: `acme/${repo}`,
      branch: 'main',
      sha: pushed.sha,
      beforeSha: before,
      trigger: 'push',
      timeoutMs: 600_000,
    });
    const run = (await runStore.getRun(created.runId))!;
    return { repo, entityRef, before, sha: pushed.sha, run };
  };

  /** Another push on the same repository, run against `beforeSha`. */
  const pushAgain = async (s: { repo: string; entityRef: string }, changes: Record<string, string>, beforeSha: string): Promise<Run> => {
    const pushed = await gitStore.commitFiles('acme', s.repo, { branch: 'main', changes, message: 'Another change', author: { name: 'Ada', email: 'ada@example.test' } });
    const created = await runStore.createRun({
      entityRef: s.entityRef,
      objects: [KUSTOMIZATION_OBJECT],
      repo: `acme/${s.repo}`,
      branch: 'main',
      sha: pushed.sha,
      beforeSha,
      trigger: 'push',
      timeoutMs: 600_000,
    });
    return (await runStore.getRun(created.runId))!;
  };

  return {
    gitStore,
    github,
    anthropic,
    db,
    runStore,
    octokit,
    metrics,
    build,
    scenario,
    pushAgain,
    close: async () => {
      await github.close();
      await anthropic.close();
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An auditor that keeps every event with its outcome. */
export function recordingAuditor() {
  const events: Array<{ eventId: string; meta?: Record<string, unknown>; outcome?: string }> = [];
  const auditor: AuditorService = {
    createEvent: async options => {
      const entry: { eventId: string; meta?: Record<string, unknown>; outcome?: string } = { eventId: options.eventId, meta: options.meta };
      events.push(entry);
      return {
        success: async () => {
          entry.outcome = 'success';
        },
        fail: async ({ error }) => {
          entry.outcome = `fail: ${error.message}`;
        },
      };
    },
  };
  return { auditor, events };
}
