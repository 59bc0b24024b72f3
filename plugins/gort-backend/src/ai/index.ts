export * from './AiClient';
export * from './AiCache';
export * from './TokenBudget';
export * from './readAiConfig';
export * from './createAiClient';
export * from './builtInProviders';
