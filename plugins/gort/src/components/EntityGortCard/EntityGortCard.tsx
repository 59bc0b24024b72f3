import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  formatWatchedObject,
  parseGortAnnotations,
} from '@internal/plugin-gort-common';
import Typography from '@material-ui/core/Typography';

/** Compact GORT summary for an entity's Overview page. */
export function EntityGortCard() {
  const { entity } = useEntity();
  const { settings, problems } = parseGortAnnotations(
    entity.metadata.annotations,
  );
  return (
    <InfoCard title="GitOps (GORT)" variant="gridItem">
      <Typography variant="body2" component="div">
        {settings.objects.length > 0
          ? settings.objects.map(object => (
              <div key={formatWatchedObject(object)}>
                {formatWatchedObject(object)}
              </div>
            ))
          : 'No Flux object is watched.'}
      </Typography>
      {problems.length > 0 && (
        <Typography variant="body2" color="error" role="alert">
          {problems.length} annotation problem{problems.length > 1 ? 's' : ''}:
          see the GitOps tab.
        </Typography>
      )}
    </InfoCard>
  );
}
