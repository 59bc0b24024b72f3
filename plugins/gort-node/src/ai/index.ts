/**
 * The AI contract of GORT: structured-output tools, their validators, and
 * prompt builders that frame untrusted material as escaped, bounded data blocks.
 */
export * from './blocks';
export * from './tools';
export * from './validateToolInput';
export * from './readToolAnswer';
export * from './promptTypes';
export { buildFixPrompt } from './fixPrompt';
export { buildIntentPrompt } from './intentPrompt';
export { renderDiff } from './promptAssembly';
export * from './provider';
