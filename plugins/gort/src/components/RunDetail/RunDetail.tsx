import { Content, Progress } from '@backstage/core-components';
import { useParams } from 'react-router-dom';
import { useLiveRefresh } from '../../hooks/useLiveRefresh';
import { useRun } from '../../hooks/useRun';
import { isRunActive } from '../../lib/states';
import { GortErrorState } from '../GortErrorState';
import { RunDetailView } from './RunDetailView';

/** Route element of `runs/:runId` inside the GitOps tab; live while the run is. */
export function RunDetail() {
  const { runId = '' } = useParams();
  const run = useRun(runId);
  useLiveRefresh({
    runId,
    active: isRunActive(run.value),
    refresh: run.retry,
  });
  // Route-relative: `..` leaves `runs/:runId` for the route the tab is mounted on.
  const backTo = '..';
  if (run.loading && !run.value) {
    return <Progress />;
  }
  return (
    <Content>
      {run.error && !run.value ? (
        <GortErrorState error={run.error} />
      ) : (
        run.value && <RunDetailView run={run.value} backTo={backTo} />
      )}
    </Content>
  );
}
