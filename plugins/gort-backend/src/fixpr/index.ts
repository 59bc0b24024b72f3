export * from './FixPrService';
export * from './FixPrStore';
export * from './PrStateRefresher';
export * from './fingerprint';
export * from './validateEdits';
export * from './allowedPaths';
export * from './prContent';
