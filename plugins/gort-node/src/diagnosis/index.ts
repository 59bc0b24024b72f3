export {
  diagnose,
  diagnoseAll,
  explainObjects,
  isDiagnosable,
  TargetNotFoundError,
} from './diagnose';
export { diagnoseTimeout, isOutsideRepository } from './timeout';
export type { TimedOutRun } from './timeout';
export { affectedObjects, classify, waitedObjects } from './classify';
export { explainMessage } from './explain';
export type {
  ExplainedCandidate,
  ExplainedRule,
  MessageExplanation,
  ObjectExplanation,
} from './explain';
export { formatSource, UPSTREAM_COMMITS } from './templates';
export type { TemplateSource } from './templates';
export type { Classification, ClassifyInput, WaitedObject } from './classify';
export { RULES } from './rules';
export type { Rule, RuleScope, RuleContext, WalkHint } from './rules';
export { readFluxStatus, isFailing, isReady } from './status';
export type { FluxStatus } from './status';
export { inspectWorkload } from './workloads';
export type { WorkloadFinding } from './workloads';
export type { Diagnosis, Evidence } from './types';
