export { judgeLanded } from './landed';
export type { LandedInput, LandedVerdict } from './landed';
export { KUSTOMIZATION_TERMINAL_REASONS } from './kustomizationVerdict';
export { HELM_RELEASE_TERMINAL_REASONS } from './helmReleaseVerdict';
export { revisionSha, revisionMatches, chartVersionMatches, originRevisionOf } from './revision';
export { conditionIsCurrent, statusObservedCurrent } from './freshness';
export { sourceAtSha } from './sources';
export {
  resolveLandedInput,
  lookupOver,
  sourceKeyOf,
  chartSourceKeyOf,
  manifestAppliedAt,
  parentKustomizations,
} from './resolveInput';
export type { ObjectLookup, ObjectKey } from './resolveInput';
export { fluxObjectState } from './objectState';
