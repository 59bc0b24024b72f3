import { Link } from '@backstage/core-components';
import type { Run } from '@gort-backstage/plugin-gort-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import { shortSha } from '../../lib/revisions';
import { runPresentation } from '../../lib/states';
import { absoluteTime, runDuration } from '../../lib/time';
import { CommitLink } from '../CommitLink';
import { StatusLabel } from '../StatusLabel';
import { AiSection } from './AiSection';
import { DiagnosisSection } from './DiagnosisSection';
import { EvidenceSection } from './EvidenceSection';
import { FixPrSection } from './FixPrSection';
import { IntentSection } from './IntentSection';
import { RunTimeline } from './RunTimeline';
import { VerdictsSection } from './VerdictsSection';

const TRIGGER_LABELS: Record<string, string> = {
  push: 'push',
  manual: 'run by hand',
  'catch-up': 'found through Flux (its push never arrived)',
};

/** Everything known about one run. */
export function RunDetailView(props: { run: Run; backTo: string }) {
  const { run, backTo } = props;
  const state = runPresentation(run);
  return (
    <>
      <Box mb={2}>
        <Link to={backTo}>
          <ArrowBackIcon fontSize="inherit" /> Back to runs
        </Link>
      </Box>
      <Box mb={2}>
        <Typography variant="h4" component="h1">
          Run of {shortSha(run.sha)}{' '}
          <StatusLabel kind={state.kind} label={state.label} />
        </Typography>
        <Typography variant="body2" component="div">
          <CommitLink sha={run.sha} url={run.commit?.url} repo={run.repo} /> on{' '}
          {run.repo}@{run.branch}
          {run.commit?.author && <> by {run.commit.author}</>} ·{' '}
          {TRIGGER_LABELS[run.trigger] ?? 'push'} · started{' '}
          {absoluteTime(run.createdAt)} · {runDuration(run)}
          {run.category && (
            <>
              {' '}
              · category <code>{run.category}</code>
            </>
          )}
        </Typography>
        {run.commit?.message && (
          <Typography variant="body1">{run.commit.message}</Typography>
        )}
        {run.error && (
          <Typography variant="body2" color="error" role="alert">
            GORT error: {run.error}
          </Typography>
        )}
      </Box>
      <Grid container spacing={3}>
        <Grid item xs={12} md={4}>
          <RunTimeline timeline={run.timeline} />
        </Grid>
        <Grid item xs={12} md={8}>
          <Grid container spacing={3} direction="column">
            {(run.diagnosis || run.failure) && (
              <Grid item>
                <DiagnosisSection
                  diagnosis={run.diagnosis}
                  failure={run.failure}
                />
              </Grid>
            )}
            {run.fixPr && (
              <Grid item>
                <FixPrSection fixPr={run.fixPr} />
              </Grid>
            )}
            {run.intent && (
              <Grid item>
                <IntentSection intent={run.intent} />
              </Grid>
            )}
            {run.ai && (
              <Grid item>
                <AiSection ai={run.ai} />
              </Grid>
            )}
            {run.verdicts.length > 0 && (
              <Grid item>
                <VerdictsSection verdicts={run.verdicts} />
              </Grid>
            )}
            {run.evidence.length > 0 && (
              <Grid item>
                <EvidenceSection evidence={run.evidence} />
              </Grid>
            )}
          </Grid>
        </Grid>
      </Grid>
    </>
  );
}
