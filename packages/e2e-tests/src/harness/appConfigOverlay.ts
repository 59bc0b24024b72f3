import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './backendProcess';

/** The configuration `npm start` uses, read as it is. */
export const APP_CONFIG_FILE = join(REPO_ROOT, 'app-config.yaml');

/**
 * The only settings a test may change in app-config.yaml to run next to
 * other processes on the same machine: ports, base URLs (the app's origin,
 * which the backend's CORS policy names too) and where SQLite keeps its files.
 */
export const ALLOWED_OVERLAY_KEYS = [
  'app.baseUrl',
  'backend.baseUrl',
  'backend.listen.port',
  'backend.cors.origin',
  'backend.database.connection.directory',
] as const;

export interface OverlayOptions {
  backendPort: number;
  /** Where the browser loads the app: the backend itself for the built app. */
  appBaseUrl: string;
  databaseDir: string;
}

export function appConfigOverlay(options: OverlayOptions) {
  const backendBaseUrl = `http://127.0.0.1:${options.backendPort}`;
  return {
    app: { baseUrl: options.appBaseUrl },
    backend: {
      baseUrl: backendBaseUrl,
      listen: { port: options.backendPort },
      cors: { origin: options.appBaseUrl },
      database: { connection: { directory: options.databaseDir } },
    },
  };
}

/** Dotted paths of every leaf of a configuration object. */
export function leafKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [prefix];
  }
  return Object.entries(value).flatMap(([key, child]) =>
    leafKeys(child, prefix ? `${prefix}.${key}` : key),
  );
}

function portOf(url: string): number {
  const parsed = new URL(url.includes('://') ? url : `http://${url}`);
  return Number(parsed.port);
}

/**
 * The sandbox clusters app-config.yaml names, in gort.clusters and in the
 * `config` locators of kubernetes.clusterLocatorMethods, with their ports.
 */
export function sandboxClustersOfAppConfig(file = APP_CONFIG_FILE): Array<{ name: string; kubePort: number }> {
  const config = parse(readFileSync(file, 'utf8'));
  const located = (config.kubernetes?.clusterLocatorMethods ?? [])
    .filter((method: { type?: string }) => method.type === 'config')
    .flatMap((method: { clusters?: unknown[] }) => method.clusters ?? []);
  return [...(config.gort.clusters ?? []), ...located]
    .filter((cluster: { url?: string }) => typeof cluster.url === 'string')
    .map((cluster: { name: string; url: string }) => ({ name: cluster.name, kubePort: portOf(cluster.url) }));
}

/**
 * Where app-config.yaml expects the sandbox's stand-ins, so that the sandbox
 * listens there and the configuration needs no change.
 */
export function sandboxPortsOfAppConfig(file = APP_CONFIG_FILE) {
  const config = parse(readFileSync(file, 'utf8'));
  return {
    githubPort: portOf(config.integrations.github[0].apiBaseUrl),
    kubePort: portOf(config.gort.clusters[0].url),
    anthropicPort: portOf(config.gort.ai.anthropic.baseUrl),
  };
}
