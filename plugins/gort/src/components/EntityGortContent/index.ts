export { EntityGortContent } from './EntityGortContent';
