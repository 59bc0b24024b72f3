import { Link, StructuredMetadataTable } from '@backstage/core-components';
import type {
  EntityGortStatus,
  RunSummary,
} from '@gort-backstage/plugin-gort-common';
import { groupObjectsByCluster } from '../../lib/clusters';
import { shortSha } from '../../lib/revisions';
import {
  FLUX_OBJECT_STATES,
  runPresentation,
  worstFluxState,
} from '../../lib/states';
import { relativeTime } from '../../lib/time';
import { FixPrLink } from '../RunsTable';
import { StatusLabel } from '../StatusLabel';

/** Current state, last run and open fix PRs of one entity, in three lines. */
export function EntityGortSummary(props: {
  status: EntityGortStatus;
  openFixPrs: RunSummary[];
  runLink: (runId: string) => string;
}) {
  const { status, openFixPrs, runLink } = props;
  const state = FLUX_OBJECT_STATES[worstFluxState(status.objects)];
  const run = status.latestRun;
  const runState = run && runPresentation(run);
  const groups = groupObjectsByCluster(status.objects);
  const byCluster =
    groups.length > 1
      ? {
          Clusters: (
            <>
              {groups.map((group, index) => {
                const worst = FLUX_OBJECT_STATES[worstFluxState(group.objects)];
                return (
                  <span
                    key={group.cluster ?? ''}
                    aria-label={`Cluster ${group.cluster ?? 'default'}: ${
                      worst.label
                    }`}
                  >
                    {index > 0 && ', '}
                    {group.cluster ?? 'default'}{' '}
                    <StatusLabel kind={worst.kind} label={worst.label} />
                  </span>
                );
              })}
            </>
          ),
        }
      : {};
  return (
    <StructuredMetadataTable
      dense
      metadata={{
        'Flux state': (
          <>
            <StatusLabel kind={state.kind} label={state.label} /> (
            {status.objects.length} object
            {status.objects.length === 1 ? '' : 's'}
            {groups.length > 1 ? ` in ${groups.length} clusters` : ''})
          </>
        ),
        ...byCluster,
        'Last run':
          run && runState ? (
            <Link
              to={runLink(run.id)}
              aria-label={`Last run ${shortSha(run.sha)}: ${runState.label}`}
            >
              <StatusLabel kind={runState.kind} label={runState.label} />{' '}
              {shortSha(run.sha)}, {relativeTime(run.createdAt)}
              {run.category ? ` (${run.category})` : ''}
            </Link>
          ) : (
            'none yet'
          ),
        'Open fix PRs':
          openFixPrs.length > 0 ? (
            <>
              {openFixPrs.map((pr, index) => (
                <span key={pr.id}>
                  {index > 0 && ', '}
                  <FixPrLink fixPr={pr.fixPr} />
                </span>
              ))}
            </>
          ) : (
            'none'
          ),
      }}
    />
  );
}
