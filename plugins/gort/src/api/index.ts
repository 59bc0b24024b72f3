export { gortApiRef } from './GortApi';
export type { GortApi } from './GortApi';
export { GortClient } from './GortClient';
