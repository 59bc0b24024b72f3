export * from './IntentValidator';
export * from './runtimeHealth';
export * from './runtimeSnapshot';
export * from './relevantPlans';
