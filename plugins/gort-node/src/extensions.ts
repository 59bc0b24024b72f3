import { createExtensionPoint } from '@backstage/backend-plugin-api';
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
