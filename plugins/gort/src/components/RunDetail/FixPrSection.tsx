import { Link } from '@backstage/core-components';
import type { RunFixPr } from '@gort-backstage/plugin-gort-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Section } from '../Section';
import { StatusLabel } from '../StatusLabel';

/** The fix pull request (or why there is none) and the checks its edits passed. */
export function FixPrSection(props: { fixPr?: RunFixPr }) {
  const { fixPr } = props;
  if (!fixPr) {
    return null;
  }
  const label = fixPr.number ? `Pull request #${fixPr.number}` : 'Pull request';
  return (
    <Section title="Fix pull request">
      <Typography variant="body2" component="div">
        {fixPr.url ? <Link to={fixPr.url}>{label}</Link> : label} ·{' '}
        {fixPr.status}
        {fixPr.prState && <> · {fixPr.prState} on GitHub</>}
      </Typography>
      <Typography variant="body2" color="textSecondary" component="p">
        {fixPr.message}
      </Typography>
      {fixPr.files && fixPr.files.length > 0 && (
        <Typography variant="body2" component="div">
          Files:{' '}
          {fixPr.files.map((file, index) => (
            <span key={file}>
              {index > 0 && ', '}
              <code>{file}</code>
            </span>
          ))}
        </Typography>
      )}
      {fixPr.validation.length > 0 && (
        <Table size="small" aria-label="Fix validation checks">
          <TableHead>
            <TableRow>
              <TableCell>Check</TableCell>
              <TableCell>Result</TableCell>
              <TableCell>Detail</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {fixPr.validation.map(check => (
              <TableRow key={check.check}>
                <TableCell>{check.check}</TableCell>
                <TableCell>
                  {check.ok ? (
                    <StatusLabel kind="ok" label="Passed" />
                  ) : (
                    <StatusLabel kind="error" label="Failed" />
                  )}
                </TableCell>
                <TableCell>{check.detail}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Section>
  );
}
