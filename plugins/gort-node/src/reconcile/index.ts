export { judgeLanded, KUSTOMIZATION_TERMINAL_REASONS, HELM_RELEASE_TERMINAL_REASONS } from './landed';
export type { LandedInput, LandedVerdict } from './landed';
export { revisionSha, revisionMatches, chartVersionMatches } from './revision';
export { fluxObjectState } from './objectState';
