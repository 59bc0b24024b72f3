/**
 * Local stand-ins that speak real protocols, for tests and the demo: a
 * Kubernetes API with Flux controller behaviour, GitHub REST over real git
 * repositories, and the Anthropic Messages API.
 *
 * @packageDocumentation
 */
export * from './git';
export * from './github';
export * from './anthropic';
export * from './kube';
export * from './flux';
export * from './oci';
export { startSandbox, DEMO_CLUSTERS, DEMO_REPO, SANDBOX_DEFAULTS } from './sandbox';
export type { Sandbox, SandboxOptions, SandboxClusterOptions, SandboxKubeCluster } from './sandbox';
export { demoPush, pushChange } from './cli/demoPush';
export type { ResponseDelay, DelayedRequest, DelayPhase } from './responseDelays';
