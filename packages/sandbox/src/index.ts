/**
 * Local stand-ins that speak real protocols, for tests and the demo:
 * GitHub REST over real git repositories, Anthropic Messages, and (see
 * ./kube, ./flux) a Kubernetes API with Flux controller behaviour.
 *
 * @packageDocumentation
 */
export * from './git';
export * from './github';
export * from './anthropic';
