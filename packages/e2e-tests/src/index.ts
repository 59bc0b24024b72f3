export * from './harness/backendProcess';
export * from './harness/gortEnvironment';
export * from './harness/postgres';
