/**
 * GORT frontend plugin. The default export of `./alpha` is the plugin for the
 * new frontend system; these are the legacy exports.
 *
 * @packageDocumentation
 */
export {
  gortPlugin,
  EntityGortContent,
  EntityGortCard,
  GortPage,
} from './plugin';
export { isGortAvailable } from '@gort-backstage/plugin-gort-common';
export { gortApiRef, GortClient } from './api';
export type { CreateRunResponse, GortApi, ListRunsRequest } from './api';
