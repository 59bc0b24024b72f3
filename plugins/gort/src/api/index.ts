export { gortApiRef } from './GortApi';
export type { CreateRunResponse, GortApi, ListRunsRequest } from './GortApi';
export { GortClient, entityStatusPath } from './GortClient';
