/**
 * The sandbox's container "registry" and what each known image does when it runs (pure).
 * Images outside the catalog fail to pull; podinfo exits on unknown flags and is OOM-killed below
 * the memory it needs, like the real application.
 */
import { MEBIBYTE, parseQuantity } from './quantity';

export interface ImageRef {
  /** As written in the manifest. */
  image: string;
  /** Fully qualified repository, e.g. docker.io/library/nginx. */
  repository: string;
  tag: string;
}

export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const lastColon = withoutDigest.lastIndexOf(':');
  const hasTag = lastColon > withoutDigest.lastIndexOf('/');
  const name = hasTag ? withoutDigest.slice(0, lastColon) : withoutDigest;
  let tag = 'latest';
  if (at >= 0) tag = image.slice(at + 1);
  else if (hasTag) tag = withoutDigest.slice(lastColon + 1);
  const first = name.split('/')[0];
  const hasRegistry =
    name.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  const repository = hasRegistry
    ? name
    : `docker.io/${name.includes('/') ? name : `library/${name}`}`;
  return { image, repository, tag };
}

type AppKind = 'podinfo' | 'nginx' | 'idle';

interface CatalogEntry {
  app: AppKind;
  tags: string[];
  /** Below this memory limit the process is OOM-killed. */
  minMemoryBytes: number;
  sizeBytes: number;
}

export const IMAGE_CATALOG: Record<string, CatalogEntry> = {
  'ghcr.io/stefanprodan/podinfo': {
    app: 'podinfo',
    tags: [
      '6.5.0',
      '6.5.1',
      '6.5.2',
      '6.5.3',
      '6.5.4',
      '6.6.0',
      '6.6.1',
      '6.6.2',
      '6.6.3',
      '6.7.0',
    ],
    minMemoryBytes: 32 * MEBIBYTE,
    sizeBytes: 19_672_417,
  },
  'docker.io/library/nginx': {
    app: 'nginx',
    tags: [
      '1.25',
      '1.26',
      '1.27',
      '1.27.0',
      '1.27.1',
      '1.27.2',
      '1.27-alpine',
      'stable',
      'latest',
    ],
    minMemoryBytes: 8 * MEBIBYTE,
    sizeBytes: 72_099_501,
  },
  'docker.io/library/busybox': {
    app: 'idle',
    tags: ['1.36', '1.37', 'latest'],
    minMemoryBytes: MEBIBYTE,
    sizeBytes: 2_160_406,
  },
  'registry.k8s.io/pause': {
    app: 'idle',
    tags: ['3.9', '3.10'],
    minMemoryBytes: MEBIBYTE,
    sizeBytes: 320_368,
  },
};

/**
 * Publishes a tag to the sandbox registry, as a CI pipeline does after building an image (tests
 * use it for a release that fails while its image is not there yet and succeeds on a retry).
 */
export function publishImageTag(repository: string, tag: string): void {
  const entry = IMAGE_CATALOG[repository];
  if (!entry) throw new Error(`unknown repository ${repository}`);
  if (!entry.tags.includes(tag)) entry.tags.push(tag);
}

/** Removes a tag published with publishImageTag (test cleanup). */
export function unpublishImageTag(repository: string, tag: string): void {
  const entry = IMAGE_CATALOG[repository];
  if (entry) entry.tags = entry.tags.filter(t => t !== tag);
}

export function lookupImage(image: string): CatalogEntry | undefined {
  const ref = parseImage(image);
  const entry = IMAGE_CATALOG[ref.repository];
  return entry && entry.tags.includes(ref.tag) ? entry : undefined;
}

/** The containerd error text the kubelet reports for an image that does not exist. */
export function imageNotFoundMessage(image: string): string {
  const ref = parseImage(image);
  const qualified = ref.image.startsWith(ref.repository)
    ? ref.image
    : `${ref.repository}:${ref.tag}`;
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${qualified}": failed to resolve reference "${qualified}": ${qualified}: not found`;
}

export interface ContainerSpec {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
  resources?: {
    limits?: Record<string, unknown>;
    requests?: Record<string, unknown>;
  };
}

export type ContainerOutcome =
  | { kind: 'image-not-found'; message: string }
  | { kind: 'runs'; logs: string[]; sizeBytes: number }
  | {
      kind: 'exits';
      exitCode: number;
      reason: 'Error' | 'OOMKilled';
      logs: string[];
      sizeBytes: number;
    };

const PODINFO_FLAGS = new Set([
  'backend-url',
  'cache-server',
  'cert-path',
  'config',
  'config-path',
  'data-path',
  'grpc-port',
  'grpc-service-name',
  'h2c',
  'help',
  'host',
  'level',
  'port',
  'port-metrics',
  'random-delay',
  'random-delay-max',
  'random-delay-min',
  'random-delay-unit',
  'random-error',
  'secure-port',
  'stress-cpu',
  'stress-memory',
  'ui-color',
  'ui-logo',
  'ui-message',
  'ui-path',
  'unhealthy',
  'unready',
  'version',
]);

function podinfoUnknownFlag(args: string[]): string | undefined {
  for (const arg of args) {
    if (!arg.startsWith('--')) continue;
    const flag = arg.slice(2).split('=')[0];
    if (!PODINFO_FLAGS.has(flag)) return `--${flag}`;
  }
  return undefined;
}

function flagValue(args: string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${flag}`) return args[i + 1];
    if (args[i].startsWith(`--${flag}=`)) return args[i].slice(flag.length + 3);
  }
  return undefined;
}

function podinfoLogs(tag: string, args: string[], now: Date): string[] {
  const ts = now.getTime() / 1000;
  const port = flagValue(args, 'port') ?? '9898';
  const line = (
    caller: string,
    msg: string,
    extra: Record<string, string> = {},
  ) => JSON.stringify({ level: 'info', ts, caller, msg, ...extra });
  return [
    line('podinfo/main.go:153', 'Starting podinfo', {
      version: tag,
      revision: 'sandbox',
      port,
    }),
    line('api/server.go:251', 'Starting HTTP Server.', { addr: `:${port}` }),
  ];
}

function startupLogs(
  app: AppKind,
  tag: string,
  args: string[],
  now: Date,
): string[] {
  switch (app) {
    case 'podinfo':
      return podinfoLogs(tag, args, now);
    case 'nginx':
      return [
        '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
        '/docker-entrypoint.sh: Configuration complete; ready for start up',
        `${now
          .toISOString()
          .slice(0, 19)
          .replace('T', ' ')
          .replace(/-/g, '/')} [notice] 1#1: nginx/${tag}`,
      ];
    default:
      return [];
  }
}

function memoryLimit(container: ContainerSpec): number | undefined {
  return parseQuantity(container.resources?.limits?.memory);
}

/** What happens when the kubelet runs this container. */
export function runContainer(
  container: ContainerSpec,
  now: Date,
): ContainerOutcome {
  const image = container.image ?? '';
  const entry = lookupImage(image);
  if (!entry)
    return { kind: 'image-not-found', message: imageNotFoundMessage(image) };
  const ref = parseImage(image);
  const args = [
    ...(container.command ?? []).slice(1),
    ...(container.args ?? []),
  ];
  const limit = memoryLimit(container);

  if (entry.app === 'podinfo') {
    const unknown = podinfoUnknownFlag(args);
    if (unknown) {
      return {
        kind: 'exits',
        exitCode: 2,
        reason: 'Error',
        sizeBytes: entry.sizeBytes,
        logs: [
          `Error: unknown flag: ${unknown}`,
          '',
          '      --backend-url strings         backend service URL',
          '      --level string                log level debug, info, warn, error, fatal or panic (default "info")',
          '      --port int                    HTTP port (default 9898)',
          '      --port-metrics int            metrics port',
        ],
      };
    }
  }
  const logs = startupLogs(entry.app, ref.tag, args, now);
  if (limit !== undefined && limit < entry.minMemoryBytes) {
    return {
      kind: 'exits',
      exitCode: 137,
      reason: 'OOMKilled',
      logs,
      sizeBytes: entry.sizeBytes,
    };
  }
  return { kind: 'runs', logs, sizeBytes: entry.sizeBytes };
}
