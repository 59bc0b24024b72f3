export { EntityGortCard } from './EntityGortCard';
export { EntityGortSummary } from './EntityGortSummary';
