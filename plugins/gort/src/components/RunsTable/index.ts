export { RunsTable } from './RunsTable';
export type { RunsTableProps } from './RunsTable';
export { FixPrLink } from './FixPrLink';
export { IntentLabel } from './IntentLabel';
