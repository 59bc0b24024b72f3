/**
 * Pure Node-side logic of GORT: reading Flux status, diagnosing failures,
 * redaction; and the gort CLI.
 *
 * @packageDocumentation
 */
export * from './diagnosis';
export * from './redaction';
export * from './kube';
export { main as gortMain, run as runGortCli, processIo } from './cli';
export type { CliIo, Writable } from './cli';
export * from './ai';
export * from './reconcile';
