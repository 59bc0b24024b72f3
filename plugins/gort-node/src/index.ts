/**
 * Node-side library of GORT: reading Flux status, diagnosing failures,
 * redaction; and the extension points through which backend
 * modules add AI providers, SCMs and clusters.
 *
 * @packageDocumentation
 */
export * from './diagnosis';
export * from './redaction';
export * from './policy';
export * from './markdown';
export * from './kube';
export * from './ai';
export * from './reconcile';
export * from './scm';
export * from './extensions';
