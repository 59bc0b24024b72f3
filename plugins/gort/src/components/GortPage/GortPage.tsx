import { Content, Header, Page, Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { useGitOpsTabLink } from '../../hooks/useGitOpsTabLink';
import { LiveMode, useLiveRefresh } from '../../hooks/useLiveRefresh';
import { useOrgFilters } from '../../hooks/useOrgFilters';
import { useOrgStatuses } from '../../hooks/useOrgStatuses';
import { isRunActive } from '../../lib/states';
import { GortErrorState } from '../GortErrorState';
import { Section } from '../Section';
import { OrgStatusTable } from './OrgStatusTable';
import { toOrgRows } from '../../lib/orgRows';

const LIVE_TEXT: Record<LiveMode, string> = {
  signals: 'Live updates on',
  polling: 'Runs in progress: refreshing every few seconds',
  idle: '',
};

/** The org-wide view: every deployment GORT follows, failing ones first. */
export function GortOverview() {
  const statuses = useOrgStatuses();
  const tabLink = useGitOpsTabLink();
  const [filters, setFilters] = useOrgFilters();
  const rows = useMemo(
    () =>
      statuses.value
        ? toOrgRows(statuses.value.statuses, statuses.value.owners)
        : [],
    [statuses.value],
  );
  const live = useLiveRefresh({
    active: rows.some(row => isRunActive(row.latestRun)),
    refresh: statuses.retry,
  });

  if (statuses.loading && !statuses.value) {
    return <Progress />;
  }
  if (statuses.error && !statuses.value) {
    return <GortErrorState error={statuses.error} />;
  }
  // Failing objects (Ready=False wins over Reconciling on the backend), and
  // deployments whose latest run failed while Flux still retries.
  const failing = rows.filter(
    row =>
      row.state === 'failed' ||
      row.state === 'stalled' ||
      row.latestRun?.outcome === 'failed',
  ).length;
  return (
    <Section
      title="Deployments followed by GORT"
      subheader={
        <Typography variant="body2" role="status" component="span">
          {rows.length} followed, {failing} failing. {LIVE_TEXT[live]}
        </Typography>
      }
    >
      <OrgStatusTable
        rows={rows}
        filters={filters}
        onFiltersChange={setFilters}
        runLink={(entityRef, runId) => tabLink(entityRef, runId)}
      />
    </Section>
  );
}

/** Page content for the new frontend system, which draws the page header itself. */
export function GortPageContent() {
  return (
    <Content>
      <GortOverview />
    </Content>
  );
}

/** The org-wide page for apps on the legacy frontend system. */
export function GortPage() {
  return (
    <Page themeId="tool">
      <Header
        title="GitOps"
        subtitle="Every push GORT follows until Flux has applied it"
      />
      <GortPageContent />
    </Page>
  );
}
