import { Fragment } from 'react';
import { groupVerdictsByCluster } from '@gort-backstage/plugin-gort-common';
import type {
  RunClusterVerdict,
  RunObjectVerdict,
} from '@gort-backstage/plugin-gort-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { StatusKind } from '../../lib/states';
import { absoluteTime } from '../../lib/time';
import { Section } from '../Section';
import { StatusLabel } from '../StatusLabel';

const VERDICTS: Record<
  RunObjectVerdict['state'],
  { kind: StatusKind; label: string }
> = {
  waiting_for_source: { kind: 'pending', label: 'Waiting for source' },
  reconciling: { kind: 'running', label: 'Reconciling' },
  suspended: { kind: 'aborted', label: 'Suspended' },
  unobservable: { kind: 'warning', label: 'Cannot be tracked' },
  succeeded: { kind: 'ok', label: 'Succeeded' },
  failed: { kind: 'error', label: 'Failed' },
  unreachable: { kind: 'warning', label: 'Cluster unreachable' },
  unknown: { kind: 'warning', label: 'Unknown' },
};

const CLUSTER_STATES: Record<
  RunClusterVerdict['state'],
  { kind: StatusKind; label: string }
> = {
  succeeded: { kind: 'ok', label: 'Succeeded' },
  failed: { kind: 'error', label: 'Failed' },
  unreachable: { kind: 'warning', label: 'Not judged' },
  pending: { kind: 'running', label: 'In progress' },
};

function VerdictRow(props: { verdict: RunObjectVerdict }) {
  const { verdict } = props;
  return (
    <TableRow>
      <TableCell>{verdict.object}</TableCell>
      <TableCell>
        <StatusLabel
          {...VERDICTS[verdict.state]}
          {...(verdict.state === 'succeeded' && verdict.health === 'applied'
            ? { label: 'Applied (not health-checked)' }
            : {})}
        />
      </TableCell>
      <TableCell>{verdict.detail}</TableCell>
      <TableCell>{absoluteTime(verdict.at)}</TableCell>
    </TableRow>
  );
}

/** Where each watched object stood for the run's commit, grouped by cluster when there are several. */
export function VerdictsSection(props: { verdicts: RunObjectVerdict[] }) {
  if (props.verdicts.length === 0) {
    return null;
  }
  const groups = groupVerdictsByCluster(props.verdicts);
  return (
    <Section title="Object verdicts">
      <Table size="small" aria-label="Object verdicts">
        <TableHead>
          <TableRow>
            <TableCell>Object</TableCell>
            <TableCell>Verdict</TableCell>
            <TableCell>Detail</TableCell>
            <TableCell>At</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {groups.length > 1
            ? groups.map(group => (
                <Fragment key={group.cluster}>
                  <TableRow aria-label={`Cluster ${group.cluster}`}>
                    <TableCell colSpan={2}>
                      <strong>Cluster {group.cluster}</strong>
                    </TableCell>
                    <TableCell colSpan={2}>
                      <StatusLabel {...CLUSTER_STATES[group.state]} />
                    </TableCell>
                  </TableRow>
                  {props.verdicts
                    .filter(v => group.objects.includes(v.object))
                    .map(verdict => (
                      <VerdictRow key={verdict.object} verdict={verdict} />
                    ))}
                </Fragment>
              ))
            : props.verdicts.map(verdict => (
                <VerdictRow key={verdict.object} verdict={verdict} />
              ))}
        </TableBody>
      </Table>
    </Section>
  );
}
