import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { KubernetesClustersSupplier } from '@backstage/plugin-kubernetes-node';
import type { GortAiProviderFactory } from './ai/provider';
import type { GortScmProvider } from './scm';

/**
 * Adds source-control systems to GORT. The one named by `gort.scm.provider`
 * (default `github`, built in) reads the pushed repository and takes the fix
 * pull requests and comments.
 *
 * @public
 */
export interface GortScmExtensionPoint {
  addScmProvider(...providers: GortScmProvider[]): void;
}

/** @public */
export const gortScmExtensionPoint = createExtensionPoint<GortScmExtensionPoint>({
  id: 'gort.scm',
});

/**
 * Adds AI providers to GORT. The one named by `gort.ai.provider` analyses
 * failures, proposes fixes and checks intent; `none` means rules only.
 *
 * @public
 */
export interface GortAiExtensionPoint {
  addAiProvider(...factories: GortAiProviderFactory[]): void;
}

/** @public */
export const gortAiExtensionPoint = createExtensionPoint<GortAiExtensionPoint>({
  id: 'gort.ai',
});

/**
 * Adds clusters to the ones GORT watches, with the supplier type of the
 * Kubernetes plugin (`@backstage/plugin-kubernetes-node`), so one supplier
 * can serve both. GORT reads every supplier at start and every 30 seconds
 * with its own service credentials, watches the clusters that appear and
 * stops watching those that go. Only `serviceAccount` auth works in the
 * background: `authMetadata['kubernetes.io/auth-provider']` must be
 * `serviceAccount`, with `authMetadata.serviceAccountToken` or, without it,
 * the pod's own service account.
 *
 * @public
 */
export interface GortClustersExtensionPoint {
  addClusterSupplier(supplier: KubernetesClustersSupplier): void;
}

/** @public */
export const gortClustersExtensionPoint = createExtensionPoint<GortClustersExtensionPoint>({
  id: 'gort.clusters',
});
