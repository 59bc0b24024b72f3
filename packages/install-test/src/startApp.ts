import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Sandbox, SANDBOX_DEFAULTS } from '@gort-backstage/sandbox';
import { stringify } from 'yaml';
import { waitFor } from './exec';

export const PODINFO = {
  ref: 'component:default/podinfo',
  path: 'default/component/podinfo',
};

export interface RunningApp {
  appUrl: string;
  backendUrl: string;
  log(): string;
  stop(): Promise<void>;
}

/** The component the sandbox's Flux objects deploy, annotated for GORT. */
function entitiesYaml(): string {
  return stringify({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'podinfo',
      annotations: {
        'gort.io/flux-app': 'flux-system/podinfo',
        'github.com/project-slug': 'acme/podinfo-gitops',
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'platform-team' },
  });
}

/**
 * `npm start` in the fresh app (`backstage-cli repo start`: the app's dev
 * server and the backend), against the sandbox. What the test adds beside the
 * doc's own configuration is in app-config.local.yaml, which Backstage reads
 * after app-config.yaml: free ports, the catalog entity, the sandbox as the
 * GitHub host, a short watcher refresh; the doc's `${…}` values come from the
 * environment.
 */
export async function startApp(
  appDir: string,
  sandbox: Sandbox,
  ports: { app: number; backend: number },
  /** Everything `npm start` prints goes here too. */
  logFile: string,
): Promise<RunningApp> {
  const appUrl = `http://localhost:${ports.app}`;
  const backendUrl = `http://localhost:${ports.backend}`;
  const entitiesFile = join(appDir, 'gort-entities.yaml');
  await writeFile(entitiesFile, entitiesYaml());
  const github = new URL(sandbox.githubUrl);
  await writeFile(
    join(appDir, 'app-config.local.yaml'),
    stringify({
      app: { baseUrl: appUrl, listen: { port: ports.app } },
      backend: {
        baseUrl: backendUrl,
        listen: { port: ports.backend },
        cors: { origin: appUrl },
      },
      catalog: { locations: [{ type: 'file', target: entitiesFile }] },
      integrations: {
        github: [
          {
            host: github.host,
            apiBaseUrl: sandbox.githubUrl,
            token: sandbox.token,
          },
        ],
      },
      gort: {
        watchers: {
          refresh: { frequency: { seconds: 2 }, timeout: { seconds: 30 } },
        },
      },
    }),
  );
  const output: string[] = [];
  const logStream = createWriteStream(logFile);
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: appDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      BROWSER: 'none',
      FORCE_COLOR: '0',
      GORT_WEBHOOK_SECRET: SANDBOX_DEFAULTS.webhookSecret,
      GORT_CLUSTER_URL: sandbox.kubeUrl,
      GORT_CLUSTER_TOKEN: sandbox.token,
      GORT_CLUSTER_CA_DATA: sandbox.kubeCaData,
    },
  });
  const collect = (chunk: Buffer) => {
    output.push(String(chunk));
    logStream.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('exit', () => logStream.end());
  const running: RunningApp = {
    appUrl,
    backendUrl,
    log: () => output.join(''),
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(
        () => child.pid && process.kill(-child.pid, 'SIGKILL'),
        15_000,
      );
      await exited;
      clearTimeout(timer);
    },
  };
  const alive = () => {
    if (child.exitCode !== null)
      throw new Error(
        `npm start exited with ${child.exitCode}:\n${running
          .log()
          .slice(-6000)}`,
      );
  };
  try {
    await waitFor('the backend to be ready', 240_000, async () => {
      alive();
      const res = await fetch(
        `${backendUrl}/.backstage/health/v1/readiness`,
      ).catch(() => undefined);
      return res?.ok ? true : undefined;
    });
    await waitFor('the app dev server', 300_000, async () => {
      alive();
      const res = await fetch(appUrl).catch(() => undefined);
      return res?.ok && (await res.text()).includes('<div id="root">')
        ? true
        : undefined;
    });
  } catch (error) {
    await running.stop();
    throw new Error(`${error}\nlast output:\n${running.log().slice(-4000)}`);
  }
  return running;
}
