export { EntityGortOverview } from './EntityGortOverview';
