/**
 * The "fleet": Flux objects kept in the demo repository itself (`clusters/demo/fleet`), applied
 * by a `fleet` Kustomization the way `flux bootstrap` applies `clusters/<name>/flux-system`. A
 * push can then change the Flux objects' own specs (a bad `spec.path`, a chart version typo, new
 * values), which is where the controllers' generation rules matter. Opt-in: the demo objects
 * (demo.ts) do not include the `fleet` Kustomization; `installFleetFluxObjects` adds it.
 *
 * Objects in the fleet:
 * - Kustomization `flux-system/apps` (path `./clusters/demo/apps`, a ConfigMap, wait: true);
 * - HelmRelease `apps/podinfo`, chart `./charts/podinfo` built from the GitRepository with
 *   `reconcileStrategy: Revision` (so its version is `6.5.0+<12 hex of the commit>`);
 * - HelmRepository `flux-system/podinfo` and HelmRelease `apps/podinfo-stable` (chart podinfo
 *   6.5.3 from the repository).
 */
import { KubeStore } from '../kube/store';
import { KubeObject } from '../kube/types';
import { edit, replace } from './scenarioEdits';
import type { Scenario } from './scenarios';

export const FLEET_DIR = 'clusters/demo/fleet';
const APPS = `${FLEET_DIR}/apps.yaml`;
const RELEASE = `${FLEET_DIR}/podinfo-release.yaml`;
const STABLE = `${FLEET_DIR}/podinfo-stable.yaml`;
const SETTINGS = 'clusters/demo/apps/settings.yaml';

/** A podinfo tag the sandbox registry does not have until a test publishes it (images.ts). */
export const LATE_IMAGE = {
  repository: 'ghcr.io/stefanprodan/podinfo',
  tag: '6.7.1',
};

export function fleetFluxObjects(): KubeObject[] {
  return [
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'fleet', namespace: 'flux-system' },
      spec: {
        interval: '10m0s',
        path: `./${FLEET_DIR}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      },
    },
  ];
}

/** Creates the `fleet` Kustomization (the demo objects must exist). */
export function installFleetFluxObjects(store: KubeStore): void {
  for (const obj of fleetFluxObjects()) {
    if (!store.tryGet(obj, obj.metadata.namespace, obj.metadata.name!))
      store.create(obj, obj);
  }
}

export const FLEET_SCENARIOS: Record<string, Scenario> = {
  'kustomization-success': {
    name: 'kustomization-success',
    commitMessage: 'Greet from the apps Kustomization in British English',
    expectedReason: 'ReconciliationSucceeded',
    watched: 'Kustomization/flux-system/apps',
    succeeds: true,
    apply: files =>
      edit(
        files,
        SETTINGS,
        replace(
          /greeting: .*/,
          'greeting: Good morning from the apps Kustomization',
        ),
      ),
  },
  'kustomization-bad-path': {
    name: 'kustomization-bad-path',
    commitMessage: 'Point the apps Kustomization at the production overlay',
    category: 'path-not-found',
    expectedReason: 'ArtifactFailed',
    watched: 'Kustomization/flux-system/apps',
    apply: files =>
      edit(
        files,
        APPS,
        replace(
          /path: \.\/clusters\/demo\/apps/,
          'path: ./clusters/demo/apps/production',
        ),
      ),
  },
  'kustomization-suspended': {
    name: 'kustomization-suspended',
    commitMessage: 'Pause the apps Kustomization during the freeze',
    expectedReason: 'ReconciliationSucceeded',
    watched: 'Kustomization/flux-system/apps',
    succeeds: true,
    suspends: true,
    apply: files =>
      edit(
        files,
        APPS,
        replace(/\n {2}prune: true/, '\n  suspend: true\n  prune: true'),
      ),
  },
  'helmrelease-success': {
    name: 'helmrelease-success',
    commitMessage: 'Change the podinfo chart greeting',
    expectedReason: 'UpgradeSucceeded',
    watched: 'HelmRelease/apps/podinfo',
    succeeds: true,
    apply: files =>
      edit(
        files,
        RELEASE,
        replace(
          /message: .*/,
          'message: Hello from the podinfo chart, upgraded',
        ),
      ),
  },
  'helmrelease-values-schema': {
    name: 'helmrelease-values-schema',
    commitMessage: 'Run two podinfo replicas',
    category: 'helm-values',
    expectedReason: 'UpgradeFailed',
    watched: 'HelmRelease/apps/podinfo',
    apply: files =>
      edit(files, RELEASE, replace(/replicaCount: 1/, 'replicaCount: two')),
  },
  'helmrelease-chart-version-typo': {
    name: 'helmrelease-chart-version-typo',
    commitMessage: 'Bump podinfo-stable to chart 6.5.4',
    category: 'source-not-found',
    expectedReason: 'SourceNotReady',
    watched: 'HelmRelease/apps/podinfo-stable',
    apply: files =>
      edit(files, STABLE, replace(/version: 6\.5\.3/, 'version: 6.5.44')),
  },
  'helmrelease-fails-once-then-succeeds': {
    name: 'helmrelease-fails-once-then-succeeds',
    commitMessage: 'Bump podinfo to 6.7.1 and let Flux retry the upgrade',
    expectedReason: 'UpgradeSucceeded',
    watched: 'HelmRelease/apps/podinfo',
    succeeds: true,
    // The tag is published to the registry after the push (LATE_IMAGE): the first upgrade
    // times out waiting for the pods, is rolled back, and a retry succeeds.
    apply: files =>
      edit(files, RELEASE, text =>
        text
          .replace(
            / {2}values:\n/,
            `  upgrade:\n    remediation:\n      retries: 3\n  values:\n`,
          )
          .replace(
            /replicaCount: 1\n/,
            `replicaCount: 1\n    image:\n      tag: ${LATE_IMAGE.tag}\n`,
          ),
      ),
  },
  'helmrelease-exhausts-retries': {
    name: 'helmrelease-exhausts-retries',
    commitMessage: 'Bump podinfo to 6.5.1',
    category: 'image-pull',
    expectedReason: 'UpgradeFailed',
    watched: 'HelmRelease/apps/podinfo',
    // A tag typo (6.51) with the default remediation (no retries): one failed upgrade stalls.
    apply: files =>
      edit(
        files,
        RELEASE,
        replace(
          /replicaCount: 1\n/,
          'replicaCount: 1\n    image:\n      tag: "6.51"\n',
        ),
      ),
  },
};
