/**
 * Pure Node-side logic of GORT: reading Flux status, diagnosing failures,
 * redaction.
 *
 * @packageDocumentation
 */
export * from './diagnosis';
export * from './redaction';
export * from './kube';
export * from './ai';
export * from './reconcile';
