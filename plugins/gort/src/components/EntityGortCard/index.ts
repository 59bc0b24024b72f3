export { EntityGortCard } from './EntityGortCard';
