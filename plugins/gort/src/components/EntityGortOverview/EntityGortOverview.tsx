import { Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_FLUX_APP,
  parseGortAnnotations,
} from '@gort-backstage/plugin-gort-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { useCallback } from 'react';
import { useEntityGortStatus } from '../../hooks/useEntityGortStatus';
import { LiveMode, useLiveRefresh } from '../../hooks/useLiveRefresh';
import { useRuns } from '../../hooks/useRuns';
import { backendMessage } from '../../lib/errors';
import { isRunActive } from '../../lib/states';
import { AnnotationProblems } from '../AnnotationProblems';
import { FluxObjectsTable } from '../FluxObjectsTable';
import { GortErrorState } from '../GortErrorState';
import { GortSettingsCard } from '../GortSettingsCard';
import { LatestPush } from '../LatestPush';
import { NotFollowed } from '../NotFollowed';
import { RunNowButton } from '../RunNowButton';
import { RunsTable } from '../RunsTable';
import { Section } from '../Section';

const LIVE_TEXT: Record<LiveMode, string> = {
  signals: 'Live updates on',
  polling: 'A run is in progress: refreshing every few seconds',
  idle: '',
};

/** The GitOps tab's main view: live Flux state, runs and "Run now". */
export function EntityGortOverview() {
  const { entity } = useEntity();
  // The backend keys entities by their lower-cased ref, signals included.
  const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const { settings, problems } = parseGortAnnotations(
    entity.metadata.annotations,
  );
  const status = useEntityGortStatus(entityRef);
  const runs = useRuns(entityRef);

  const { retry: retryStatus } = status;
  const { retry: retryRuns } = runs;
  const refresh = useCallback(() => {
    retryStatus();
    retryRuns();
  }, [retryStatus, retryRuns]);
  const live = useLiveRefresh({
    entityRef,
    active: isRunActive(status.value?.latestRun),
    refresh,
  });

  if (status.loading && !status.value) {
    return <Progress />;
  }
  const problemsPanel = problems.length > 0 && (
    <Grid item xs={12}>
      <AnnotationProblems problems={problems} />
    </Grid>
  );
  if (status.error && !status.value) {
    return (
      <Grid container spacing={3}>
        {problemsPanel}
        <Grid item xs={12}>
          <GortErrorState
            error={status.error}
            notFound={
              <NotFollowed
                annotation={entity.metadata.annotations?.[ANNOTATION_FLUX_APP]}
                message={backendMessage(status.error)}
              />
            }
          />
        </Grid>
      </Grid>
    );
  }
  const value = status.value!;
  return (
    <Grid container spacing={3}>
      {problemsPanel}
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <div>
            <LatestPush
              run={value.latestRun}
              runPath={value.latestRun ? `runs/${value.latestRun.id}` : ''}
            />
            <Typography variant="caption" role="status">
              {LIVE_TEXT[live]}
            </Typography>
          </div>
          <RunNowButton entityRef={entityRef} onStarted={refresh} />
        </Box>
      </Grid>
      <Grid item xs={12} lg={9}>
        <Section title="Watched Flux objects" noPadding>
          <FluxObjectsTable
            objects={value.objects}
            latestRun={value.latestRun}
            targetRepo={value.watcher?.targetRepo ?? settings.targetRepo}
          />
        </Section>
      </Grid>
      <Grid item xs={12} lg={3}>
        <GortSettingsCard settings={settings} />
      </Grid>
      <Grid item xs={12}>
        <Section title="Runs">
          {runs.loading && <LinearProgress aria-label="Loading runs" />}
          {runs.error && <GortErrorState error={runs.error} />}
          {runs.value && (
            <RunsTable
              runs={runs.value.items}
              runPath={run => `runs/${run.id}`}
              outcome={runs.outcome}
              onOutcomeChange={runs.setOutcome}
              page={runs.page}
              hasNextPage={runs.hasNextPage}
              hasPreviousPage={runs.hasPreviousPage}
              onNextPage={runs.nextPage}
              onPreviousPage={runs.previousPage}
            />
          )}
        </Section>
      </Grid>
    </Grid>
  );
}
