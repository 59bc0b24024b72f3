import type {
  FluxObjectStatus,
  FluxSourceStatus,
  RepoRef,
  RunSummary,
} from '@gort-backstage/plugin-gort-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { Fragment } from 'react';
import { groupObjectsByCluster } from '../../lib/clusters';
import { revisionSha } from '../../lib/revisions';
import { FLUX_OBJECT_STATES, worstFluxState } from '../../lib/states';
import { absoluteTime, relativeTime } from '../../lib/time';
import { CommitLink } from '../CommitLink';
import { StatusLabel } from '../StatusLabel';

interface Props {
  objects: FluxObjectStatus[];
  latestRun?: RunSummary;
  targetRepo?: RepoRef;
}

function Revision(props: {
  revision?: string;
  latestRun?: RunSummary;
  targetRepo?: RepoRef;
}) {
  const { revision, latestRun, targetRepo } = props;
  const sha = revisionSha(revision);
  if (!sha) {
    return <>{revision ?? 'none'}</>;
  }
  const fromLatest = latestRun?.sha === sha;
  return (
    <CommitLink
      sha={sha}
      url={fromLatest ? latestRun?.commit?.url : undefined}
      repo={fromLatest ? latestRun?.repo : targetRepo}
    />
  );
}

function BehindLatest(props: {
  object: FluxObjectStatus;
  latestRun?: RunSummary;
}) {
  const { object, latestRun } = props;
  const applied = revisionSha(object.lastAppliedRevision);
  if (!latestRun || !applied) {
    return null;
  }
  if (latestRun.sha === applied) {
    return <StatusLabel kind="ok" label="Runs the latest push" />;
  }
  return (
    <StatusLabel
      kind="warning"
      label={`Behind the latest push (${latestRun.sha.slice(0, 7)})`}
    />
  );
}

function SourceCell(props: {
  source?: FluxSourceStatus;
  latestRun?: RunSummary;
  targetRepo?: RepoRef;
}) {
  const { source } = props;
  if (!source) {
    return <>unknown</>;
  }
  let readiness = <StatusLabel kind="pending" label="Unknown" />;
  if (source.ready !== undefined) {
    readiness = source.ready ? (
      <StatusLabel kind="ok" label="Ready" />
    ) : (
      <StatusLabel kind="error" label="Not ready" />
    );
  }
  return (
    <>
      <Typography variant="body2">
        {source.kind}/{source.namespace}/{source.name}
      </Typography>
      <div>
        <Revision
          revision={source.revision}
          latestRun={props.latestRun}
          targetRepo={props.targetRepo}
        />{' '}
        {readiness}
      </div>
      {source.message && (
        <Typography variant="caption" color="textSecondary">
          {source.message}
        </Typography>
      )}
    </>
  );
}

/** Live Flux state of each watched object, grouped by cluster when there are several. */
export function FluxObjectsTable(props: Props) {
  const { objects, latestRun, targetRepo } = props;
  const groups = groupObjectsByCluster(objects);
  const row = (object: FluxObjectStatus) => {
    const state = FLUX_OBJECT_STATES[object.state];
    return (
      <TableRow key={object.object}>
        <TableCell>
          <Typography variant="body2">
            {object.kind}/{object.namespace}/{object.name}
          </Typography>
          {object.cluster && (
            <Typography variant="caption" color="textSecondary">
              cluster {object.cluster}
            </Typography>
          )}
        </TableCell>
        <TableCell>
          <StatusLabel kind={state.kind} label={state.label} />
          {object.reason && (
            <Typography variant="body2">{object.reason}</Typography>
          )}
          {object.message && (
            <Typography variant="caption" color="textSecondary" component="p">
              {object.message}
            </Typography>
          )}
          {!object.observedGenerationCurrent && object.state !== 'unknown' && (
            <Typography variant="caption" component="p">
              The controller has not processed the latest spec yet.
            </Typography>
          )}
        </TableCell>
        <TableCell>
          <Revision
            revision={object.lastAppliedRevision}
            latestRun={latestRun}
            targetRepo={targetRepo}
          />
          <div>
            <BehindLatest object={object} latestRun={latestRun} />
          </div>
        </TableCell>
        <TableCell>
          {object.lastTransitionTime ? (
            <Tooltip title={absoluteTime(object.lastTransitionTime)}>
              <span>{relativeTime(object.lastTransitionTime)}</span>
            </Tooltip>
          ) : (
            'never'
          )}
        </TableCell>
        <TableCell>
          <SourceCell
            source={object.source}
            latestRun={latestRun}
            targetRepo={targetRepo}
          />
        </TableCell>
      </TableRow>
    );
  };
  return (
    <Table size="small" aria-label="Watched Flux objects">
      <TableHead>
        <TableRow>
          <TableCell>Object</TableCell>
          <TableCell>State</TableCell>
          <TableCell>Applied revision</TableCell>
          <TableCell>Last change</TableCell>
          <TableCell>Source</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {groups.length > 1
          ? groups.map(group => {
              const worst = FLUX_OBJECT_STATES[worstFluxState(group.objects)];
              return (
                <Fragment key={group.cluster ?? ''}>
                  <TableRow
                    aria-label={`Cluster ${group.cluster ?? 'default'}`}
                  >
                    <TableCell colSpan={5}>
                      <Typography variant="subtitle2" component="span">
                        Cluster {group.cluster ?? 'default'}
                      </Typography>{' '}
                      <StatusLabel kind={worst.kind} label={worst.label} />
                    </TableCell>
                  </TableRow>
                  {group.objects.map(row)}
                </Fragment>
              );
            })
          : objects.map(row)}
      </TableBody>
    </Table>
  );
}
