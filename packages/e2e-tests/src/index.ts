export * from './harness/backendProcess';
export * from './harness/gortEnvironment';
