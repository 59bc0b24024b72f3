import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { FluxObjectState } from '@gort-backstage/plugin-gort-common';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { shortSha } from '../../lib/revisions';
import { FLUX_OBJECT_STATES, runPresentation } from '../../lib/states';
import { relativeTime } from '../../lib/time';
import { FixPrLink } from '../RunsTable';
import { StatusLabel } from '../StatusLabel';
import {
  filterChoices,
  filterOrgRows,
  OrgFilters,
  OrgRow,
} from '../../lib/orgRows';

function FilterSelect(props: {
  id: string;
  label: string;
  value?: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string | undefined) => void;
}) {
  return (
    <TextField
      select
      id={props.id}
      label={props.label}
      size="small"
      variant="outlined"
      value={props.value ?? ''}
      onChange={event => props.onChange(event.target.value || undefined)}
      style={{ minWidth: 180, marginRight: 16 }}
    >
      <MenuItem value="">All</MenuItem>
      {props.options.map(option => (
        <MenuItem key={option.value} value={option.value}>
          {option.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Every followed entity, worst first, filterable by state, owner and cluster. */
export function OrgStatusTable(props: {
  rows: OrgRow[];
  filters: OrgFilters;
  onFiltersChange: (filters: OrgFilters) => void;
  runLink: (entityRef: string, runId: string) => string;
}) {
  const { rows, filters, onFiltersChange, runLink } = props;
  const choices = filterChoices(rows);
  const shown = filterOrgRows(rows, filters);
  return (
    <>
      <Box
        display="flex"
        flexWrap="wrap"
        mb={2}
        role="search"
        aria-label="Filter deployments"
      >
        <FilterSelect
          id="gort-filter-state"
          label="State"
          value={filters.state}
          options={choices.states.map(state => ({
            value: state,
            label: FLUX_OBJECT_STATES[state].label,
          }))}
          onChange={value =>
            onFiltersChange({
              ...filters,
              state: value as FluxObjectState | undefined,
            })
          }
        />
        <FilterSelect
          id="gort-filter-owner"
          label="Owner"
          value={filters.owner}
          options={choices.owners.map(owner => ({
            value: owner,
            label: owner,
          }))}
          onChange={value => onFiltersChange({ ...filters, owner: value })}
        />
        <FilterSelect
          id="gort-filter-cluster"
          label="Cluster"
          value={filters.cluster}
          options={choices.clusters.map(cluster => ({
            value: cluster,
            label: cluster,
          }))}
          onChange={value => onFiltersChange({ ...filters, cluster: value })}
        />
      </Box>
      <Table size="small" aria-label="GitOps deployments">
        <TableHead>
          <TableRow>
            <TableCell>Entity</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Clusters</TableCell>
            <TableCell>Latest run</TableCell>
            <TableCell>Fix PR</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.length === 0 && (
            <TableRow>
              <TableCell colSpan={6}>
                {rows.length === 0
                  ? 'GORT follows no entity yet: add the gort.io/flux-app annotation to a catalog entity.'
                  : 'No deployment matches these filters.'}
              </TableCell>
            </TableRow>
          )}
          {shown.map(row => {
            const state = FLUX_OBJECT_STATES[row.state];
            const run = row.latestRun;
            const runState = run && runPresentation(run);
            return (
              <TableRow key={row.entityRef}>
                <TableCell>
                  <EntityRefLink entityRef={row.entityRef} />
                </TableCell>
                <TableCell>
                  <StatusLabel kind={state.kind} label={state.label} />
                  {row.reason && (
                    <Typography variant="body2" color="textSecondary">
                      {row.reason}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  {row.owner ? (
                    <EntityRefLink entityRef={row.owner} defaultKind="group" />
                  ) : (
                    'unknown'
                  )}
                </TableCell>
                <TableCell>{row.clusters.join(', ')}</TableCell>
                <TableCell>
                  {run && runState ? (
                    <Link
                      to={runLink(row.entityRef, run.id)}
                      aria-label={`Latest run of ${row.entityRef}: ${shortSha(
                        run.sha,
                      )} ${runState.label}`}
                    >
                      <StatusLabel
                        kind={runState.kind}
                        label={runState.label}
                      />{' '}
                      {shortSha(run.sha)}, {relativeTime(run.createdAt)}
                      {run.category ? ` (${run.category})` : ''}
                    </Link>
                  ) : (
                    'none yet'
                  )}
                </TableCell>
                <TableCell>
                  <FixPrLink fixPr={run?.fixPr} />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </>
  );
}
