import { InfoCard, Link, Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  isGortAvailable,
  parseGortAnnotations,
} from '@gort-backstage/plugin-gort-common';
import Typography from '@material-ui/core/Typography';
import { useEntityGortStatus } from '../../hooks/useEntityGortStatus';
import { useGitOpsTabLink } from '../../hooks/useGitOpsTabLink';
import { useLiveRefresh } from '../../hooks/useLiveRefresh';
import { useOpenFixPrs } from '../../hooks/useOpenFixPrs';
import { isRunActive } from '../../lib/states';
import { GortErrorState } from '../GortErrorState';
import { EntityGortSummary } from './EntityGortSummary';

/** Compact GORT summary for an entity's Overview page. */
export function EntityGortCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const tabLink = useGitOpsTabLink();
  const { problems } = parseGortAnnotations(entity.metadata.annotations);
  const status = useEntityGortStatus(entityRef);
  const fixPrs = useOpenFixPrs(entityRef);
  useLiveRefresh({
    entityRef,
    active: isRunActive(status.value?.latestRun),
    refresh: status.retry,
  });

  let body;
  if (!isGortAvailable(entity)) {
    body = (
      <Typography variant="body2">
        This entity names no Flux object in gort.io/flux-app.
      </Typography>
    );
  } else if (status.loading && !status.value) {
    body = <Progress />;
  } else if (status.error && !status.value) {
    body = (
      <GortErrorState
        error={status.error}
        notFound={
          <Typography variant="body2">
            GORT does not follow this entity yet: the backend picks up new
            annotations within seconds.
          </Typography>
        }
      />
    );
  } else {
    body = (
      <EntityGortSummary
        status={status.value!}
        openFixPrs={fixPrs.value ?? []}
        runLink={runId => tabLink(entityRef, runId)}
      />
    );
  }
  return (
    <InfoCard
      title="GitOps (GORT)"
      titleTypographyProps={{ component: 'h2' }}
      variant="gridItem"
      deepLink={{ title: 'Open the GitOps tab', link: tabLink(entityRef) }}
    >
      {body}
      {problems.length > 0 && (
        <Typography variant="body2" color="error" role="alert">
          {problems.length} annotation problem{problems.length > 1 ? 's' : ''}:{' '}
          <Link to={tabLink(entityRef)}>see the GitOps tab</Link>.
        </Typography>
      )}
    </InfoCard>
  );
}
