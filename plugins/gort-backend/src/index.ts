/**
 * GORT backend plugin for Backstage.
 *
 * @packageDocumentation
 */
export { gortPlugin as default } from './plugin';
