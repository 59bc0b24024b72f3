export { startFluxSimulation } from './simulation';
export type { FluxSimulation, FluxSimulationOptions } from './simulation';
export {
  SCENARIOS,
  scenarioNames,
  ScenarioNotApplicable,
  APP_DIR,
} from './scenarios';
export type { Scenario, RepoFiles, TaxonomyCategory } from './scenarios';
export { readRepoFiles, seedDirectory } from './seed';
export { demoFluxObjects, installDemoFluxObjects } from './demo';
export type { DemoFluxOptions } from './demo';
export { IMAGE_CATALOG, publishImageTag, unpublishImageTag } from './images';
export {
  FLEET_DIR,
  FLEET_SCENARIOS,
  LATE_IMAGE,
  fleetFluxObjects,
  installFleetFluxObjects,
} from './fleetScenarios';
export { REQUESTED_AT } from './gitRepositoryReconciler';
export type { ResolveRepoDir } from './gitRepositoryReconciler';
export { parseGoDuration, formatGoDuration } from './duration';
export { OCI_REPOSITORY, parseOciUrl } from './ociRepositoryReconciler';
export type { ResolveRegistry } from './ociRepositoryReconciler';
