import type { RunObjectVerdict } from '@gort-backstage/plugin-gort-common';
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
  unknown: { kind: 'warning', label: 'Unknown' },
};

/** Where each watched object stood for the run's commit. */
export function VerdictsSection(props: { verdicts: RunObjectVerdict[] }) {
  if (props.verdicts.length === 0) {
    return null;
  }
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
          {props.verdicts.map(verdict => (
            <TableRow key={verdict.object}>
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
          ))}
        </TableBody>
      </Table>
    </Section>
  );
}
