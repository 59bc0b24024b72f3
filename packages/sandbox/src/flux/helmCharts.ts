/**
 * The sandbox's Helm chart repository: the podinfo chart with its values schema, rendered into
 * the Deployment and Service the real chart produces (pure).
 */
import { KubeObject } from '../kube/types';

export const PODINFO_CHART_VERSIONS = [
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
];

/** Chart repositories the sandbox can index, by URL prefix. */
export function chartRepositoryKnown(url: string): boolean {
  return (
    /stefanprodan\.github\.io\/podinfo\/?$/.test(url) ||
    url.startsWith('oci://ghcr.io/stefanprodan/charts')
  );
}

export function chartVersionExists(
  chart: string,
  version: string | undefined,
): string | undefined {
  if (chart !== 'podinfo') return undefined;
  if (!version || version === '*')
    return PODINFO_CHART_VERSIONS[PODINFO_CHART_VERSIONS.length - 1];
  const range =
    /^(\d+)\.(\d+)\.[x*]$/.exec(version) ?? /^(\d+)\.(\d+)$/.exec(version);
  if (range) {
    return [...PODINFO_CHART_VERSIONS]
      .reverse()
      .find(v => v.startsWith(`${range[1]}.${range[2]}.`));
  }
  return PODINFO_CHART_VERSIONS.includes(version) ? version : undefined;
}

type SchemaType = 'integer' | 'string' | 'boolean' | 'object' | 'number';

const PODINFO_SCHEMA: Record<string, SchemaType> = {
  replicaCount: 'integer',
  logLevel: 'string',
  'image.repository': 'string',
  'image.tag': 'string',
  'image.pullPolicy': 'string',
  'ui.color': 'string',
  'ui.message': 'string',
  resources: 'object',
  'resources.limits': 'object',
  'resources.requests': 'object',
  'service.port': 'integer',
  'service.type': 'string',
  extraArgs: 'object',
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function lookup(values: any, path: string): unknown {
  return path
    .split('.')
    .reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), values);
}

/** Helm's JSON schema validation message for the podinfo chart (helm 3.18 wording). */
export function validateValues(chart: string, values: any): string | undefined {
  if (chart !== 'podinfo') return undefined;
  const problems: string[] = [];
  for (const [path, expected] of Object.entries(PODINFO_SCHEMA)) {
    const value = lookup(values, path);
    if (value === undefined) continue;
    const actual = typeOf(value);
    const ok =
      actual === expected || (expected === 'number' && actual === 'integer');
    if (!ok)
      problems.push(
        `- at '/${path.replace(/\./g, '/')}': got ${actual}, want ${expected}`,
      );
  }
  if (problems.length === 0) return undefined;
  return `values don't meet the specifications of the schema(s) in the following chart(s):\n${chart}:\n${problems.join(
    '\n',
  )}`;
}

export function renderPodinfo(
  release: string,
  namespace: string,
  version: string,
  values: any,
): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': release };
  const tag = values?.image?.tag ?? version;
  const port = values?.service?.port ?? 9898;
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: release,
        namespace,
        labels: {
          ...labels,
          'helm.sh/chart': `podinfo-${version}`,
          'app.kubernetes.io/managed-by': 'Helm',
        },
      },
      spec: {
        type: values?.service?.type ?? 'ClusterIP',
        selector: labels,
        ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: release,
        namespace,
        labels: {
          ...labels,
          'helm.sh/chart': `podinfo-${version}`,
          'app.kubernetes.io/managed-by': 'Helm',
        },
      },
      spec: {
        replicas: values?.replicaCount ?? 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'podinfo',
                image: `${
                  values?.image?.repository ?? 'ghcr.io/stefanprodan/podinfo'
                }:${tag}`,
                command: [
                  './podinfo',
                  `--port=${9898}`,
                  `--level=${values?.logLevel ?? 'info'}`,
                  ...(Array.isArray(values?.extraArgs) ? values.extraArgs : []),
                ],
                ports: [{ name: 'http', containerPort: 9898, protocol: 'TCP' }],
                resources: values?.resources ?? {
                  requests: { cpu: '1m', memory: '16Mi' },
                },
              },
            ],
          },
        },
      },
    },
  ];
}
