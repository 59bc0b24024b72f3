/**
 * Named changes to the demo GitOps repository (pure): each turns a file map into a breaking or a
 * fixing commit, with the commit message a person would write and the failure category GORT
 * should find. They edit text the way people do, so diffs stay small and realistic.
 */

import { FLEET_SCENARIOS } from './fleetScenarios';
import { edit, replace, ScenarioNotApplicable } from './scenarioEdits';

export type RepoFiles = Record<string, string>;

export type TaxonomyCategory =
  | 'image-pull'
  | 'workload-failed'
  | 'oom-killed'
  | 'invalid-manifest'
  | 'missing-dependency-object'
  | 'immutable-field'
  | 'invalid-yaml'
  | 'kustomize-build'
  | 'unschedulable'
  | 'missing-crd'
  | 'substitution'
  | 'path-not-found'
  | 'helm-values'
  | 'source-not-found'
  | 'retries-exhausted'
  | 'image-pull';

export interface Scenario {
  name: string;
  commitMessage: string;
  /** The failure GORT should diagnose; undefined for a fix. */
  category?: TaxonomyCategory;
  /** The Ready reason the controller of `watched` reports at the end. */
  expectedReason:
    | 'ReconciliationSucceeded'
    | 'HealthCheckFailed'
    | 'ReconciliationFailed'
    | 'BuildFailed'
    | 'ArtifactFailed'
    | 'UpgradeSucceeded'
    | 'UpgradeFailed'
    | 'SourceNotReady';
  /**
   * The Flux object whose outcome the scenario is about (`Kind/namespace/name`); default the
   * demo Kustomization `Kustomization/flux-system/podinfo`. Fleet scenarios (fleet.ts) edit Flux
   * objects applied by the `fleet` Kustomization.
   */
  watched?: string;
  /** The push does not break anything (a success or a transient failure Flux retries away). */
  succeeds?: boolean;
  /** The final state is not a Ready condition: the object is suspended. */
  suspends?: boolean;
  apply(files: RepoFiles, context: { seed: RepoFiles }): RepoFiles;
}

export const APP_DIR = 'clusters/demo/podinfo';
const DEPLOYMENT = `${APP_DIR}/deployment.yaml`;
const SERVICE = `${APP_DIR}/service.yaml`;
const KUSTOMIZATION = `${APP_DIR}/kustomization.yaml`;

export { ScenarioNotApplicable };

export const SCENARIOS: Record<string, Scenario> = {
  'bad-image': {
    name: 'bad-image',
    commitMessage: 'Bump podinfo to 6.5.1',
    category: 'image-pull',
    expectedReason: 'HealthCheckFailed',
    // A typo in the tag: 6.51 instead of 6.5.1.
    apply: files =>
      edit(
        files,
        DEPLOYMENT,
        replace(/(image: ghcr\.io\/stefanprodan\/podinfo:)\S+/, '$16.51'),
      ),
  },
  crashloop: {
    name: 'crashloop',
    commitMessage: 'Enable verbose tracing for podinfo',
    category: 'workload-failed',
    expectedReason: 'HealthCheckFailed',
    apply: files =>
      edit(
        files,
        DEPLOYMENT,
        replace(/(\n(\s+)- --level=\S+)/, '$1\n$2- --trace-requests'),
      ),
  },
  oom: {
    name: 'oom',
    commitMessage: 'Reduce podinfo memory footprint',
    category: 'oom-killed',
    expectedReason: 'HealthCheckFailed',
    apply: files =>
      edit(files, DEPLOYMENT, text =>
        text
          .replace(/(requests:\s*\n(?:\s+cpu: \S+\n)?\s+memory: )\S+/, '$14Mi')
          .replace(/(limits:\s*\n(?:\s+cpu: \S+\n)?\s+memory: )\S+/, '$18Mi'),
      ),
  },
  'invalid-field': {
    name: 'invalid-field',
    commitMessage: 'Scale podinfo to two replicas',
    category: 'invalid-manifest',
    expectedReason: 'ReconciliationFailed',
    apply: files =>
      edit(files, DEPLOYMENT, replace(/replicas: \d+/, 'replicas: "two"')),
  },
  'missing-namespace': {
    name: 'missing-namespace',
    commitMessage: 'Move podinfo to the podinfo-staging namespace',
    category: 'missing-dependency-object',
    expectedReason: 'ReconciliationFailed',
    apply: files => {
      const moved = edit(
        files,
        DEPLOYMENT,
        replace(/namespace: podinfo\n/, 'namespace: podinfo-staging\n'),
      );
      return edit(
        moved,
        SERVICE,
        replace(/namespace: podinfo\n/, 'namespace: podinfo-staging\n'),
      );
    },
  },
  'immutable-selector': {
    name: 'immutable-selector',
    commitMessage: 'Adopt recommended app.kubernetes.io labels for podinfo',
    category: 'immutable-field',
    expectedReason: 'ReconciliationFailed',
    apply: files => {
      const relabelled = edit(files, DEPLOYMENT, text =>
        text
          .replace(
            /(matchLabels:\s*\n\s+)app: podinfo/,
            '$1app.kubernetes.io/name: podinfo',
          )
          .replace(
            /(template:\s*\n\s+metadata:\s*\n\s+labels:\s*\n\s+)app: podinfo/,
            '$1app.kubernetes.io/name: podinfo',
          ),
      );
      return edit(
        relabelled,
        SERVICE,
        replace(
          /(selector:\s*\n\s+)app: podinfo/,
          '$1app.kubernetes.io/name: podinfo',
        ),
      );
    },
  },
  'yaml-error': {
    name: 'yaml-error',
    commitMessage: 'Document podinfo ports',
    category: 'invalid-yaml',
    expectedReason: 'BuildFailed',
    // A mis-indented key: `protocol` one level too deep under `containerPort`.
    apply: files =>
      edit(
        files,
        DEPLOYMENT,
        replace(
          /(\n(\s+)containerPort: 9898\n)\s+protocol: TCP/,
          '$1$2  protocol: TCP',
        ),
      ),
  },
  'missing-file': {
    name: 'missing-file',
    commitMessage: 'Remove the podinfo Service, it is exposed by the mesh now',
    category: 'kustomize-build',
    expectedReason: 'BuildFailed',
    apply: files => {
      if (files[SERVICE] === undefined)
        throw new ScenarioNotApplicable(`${SERVICE} does not exist`);
      const { [SERVICE]: _removed, ...rest } = files;
      return rest;
    },
  },
  unschedulable: {
    name: 'unschedulable',
    commitMessage: 'Give podinfo more CPU for the load test',
    category: 'unschedulable',
    expectedReason: 'HealthCheckFailed',
    apply: files =>
      edit(files, DEPLOYMENT, replace(/(requests:\s*\n\s+cpu: )\S+/, '$116')),
  },
  'missing-crd': {
    name: 'missing-crd',
    commitMessage: 'Scrape podinfo metrics with Prometheus',
    category: 'missing-crd',
    expectedReason: 'ReconciliationFailed',
    apply: files => {
      const withMonitor = {
        ...files,
        [`${APP_DIR}/servicemonitor.yaml`]: [
          'apiVersion: monitoring.coreos.com/v1',
          'kind: ServiceMonitor',
          'metadata:',
          '  name: podinfo',
          '  namespace: podinfo',
          'spec:',
          '  endpoints:',
          '    - port: http',
          '  selector:',
          '    matchLabels:',
          '      app: podinfo',
          '',
        ].join('\n'),
      };
      return edit(
        withMonitor,
        KUSTOMIZATION,
        replace(/(\n(\s+)- service\.yaml)/, '$1\n$2- servicemonitor.yaml'),
      );
    },
  },
  substitution: {
    name: 'substitution',
    commitMessage: 'Show the region in the podinfo UI',
    category: 'substitution',
    expectedReason: 'BuildFailed',
    apply: files =>
      edit(
        files,
        DEPLOYMENT,
        replace(/(Hello from \$\{CLUSTER_NAME\})/, '$1 in ${CLUSTER_REGION}'),
      ),
  },
  fix: {
    name: 'fix',
    commitMessage: 'Restore the planned podinfo configuration',
    expectedReason: 'ReconciliationSucceeded',
    apply: (_files, { seed }) => ({ ...seed }),
  },
};

Object.assign(SCENARIOS, FLEET_SCENARIOS);

export function scenarioNames(): string[] {
  return Object.keys(SCENARIOS);
}
