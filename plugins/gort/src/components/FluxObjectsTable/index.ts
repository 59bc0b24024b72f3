export { FluxObjectsTable } from './FluxObjectsTable';
