import type {
  IntentFindingResult,
  RunIntentVerdict,
} from '@gort-backstage/plugin-gort-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { StatusKind } from '../../lib/states';
import { Section } from '../Section';
import { StatusLabel } from '../StatusLabel';
import { formatConfidence } from './DiagnosisSection';

const FINDINGS: Record<
  IntentFindingResult['status'],
  { kind: StatusKind; label: string }
> = {
  met: { kind: 'ok', label: 'Met' },
  not_met: { kind: 'error', label: 'Not met' },
  unknown: { kind: 'pending', label: 'Unknown' },
};

/** The intent verdict after a success: expectations from the plans vs. what runs. */
export function IntentSection(props: { intent?: RunIntentVerdict }) {
  const { intent } = props;
  if (!intent) {
    return null;
  }
  return (
    <Section title="Intent">
      {intent.mode === 'runtime-health' && (
        <Alert severity="info" style={{ marginBottom: 8 }}>
          Runtime health checks only: no AI is configured, so the plan documents
          were not compared with what runs.
        </Alert>
      )}
      <Typography variant="body2" component="div" style={{ marginBottom: 8 }}>
        {intent.met ? (
          <StatusLabel kind="ok" label="Intent met" />
        ) : (
          <StatusLabel kind="error" label="Intent not met" />
        )}{' '}
        (confidence {formatConfidence(intent.confidence)})
        {intent.plans.length > 0 && <> · plans: {intent.plans.join(', ')}</>}
      </Typography>
      {intent.error && (
        <Alert severity="warning" style={{ marginBottom: 8 }}>
          {intent.error}
        </Alert>
      )}
      <Table size="small" aria-label="Intent findings">
        <TableHead>
          <TableRow>
            <TableCell>Expectation</TableCell>
            <TableCell>Observed</TableCell>
            <TableCell>Status</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {intent.findings.map((finding, index) => (
            <TableRow key={`${finding.expectation}-${index}`}>
              <TableCell>{finding.expectation}</TableCell>
              <TableCell>{finding.observed}</TableCell>
              <TableCell>
                <StatusLabel {...FINDINGS[finding.status]} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Section>
  );
}
