export { GortErrorState } from './GortErrorState';
