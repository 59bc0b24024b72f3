export {
  diagnose,
  diagnoseAll,
  isDiagnosable,
  TargetNotFoundError,
} from './diagnose';
export { classify, waitedObjects } from './classify';
export type { Classification, ClassifyInput, WaitedObject } from './classify';
export { RULES } from './rules';
export type { Rule, RuleScope, RuleContext, WalkHint } from './rules';
export { readFluxStatus, isFailing, isReady } from './status';
export type { FluxStatus } from './status';
export { inspectWorkload } from './workloads';
export type { WorkloadFinding } from './workloads';
export type { Diagnosis, Evidence } from './types';
