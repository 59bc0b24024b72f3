/** The Flux objects that reconcile the demo repository, as `flux bootstrap` would leave them. */
import { KubeStore } from '../kube/store';
import { KubeObject } from '../kube/types';

export interface DemoFluxOptions {
  /** The GitRepository URL; resolveRepoDir must map it to the sandbox's bare repository. */
  url: string;
  branch?: string;
  /** Health-check timeout written into the Kustomization; the simulation caps it anyway. */
  timeout?: string;
}

export function demoFluxObjects(options: DemoFluxOptions): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } },
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'flux-system', namespace: 'flux-system' },
      spec: {
        interval: '1m0s',
        url: options.url,
        ref: { branch: options.branch ?? 'main' },
      },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: {
        interval: '10m0s',
        path: './clusters/demo/podinfo',
        prune: true,
        wait: true,
        timeout: options.timeout ?? '2m0s',
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        postBuild: { substitute: { CLUSTER_NAME: 'demo' } },
      },
    },
  ];
}

/** Creates the demo Flux objects that do not exist yet. */
export function installDemoFluxObjects(
  store: KubeStore,
  options: DemoFluxOptions,
): void {
  for (const obj of demoFluxObjects(options)) {
    if (!store.tryGet(obj, obj.metadata.namespace, obj.metadata.name!))
      store.create(obj, obj);
  }
}
