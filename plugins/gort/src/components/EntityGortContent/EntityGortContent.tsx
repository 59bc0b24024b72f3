import {
  Content,
  InfoCard,
  MissingAnnotationEmptyState,
  StructuredMetadataTable,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_FLUX_APP,
  formatDuration,
  GortEntitySettings,
  isGortAvailable,
  parseGortAnnotations,
  WatchedObject,
} from '@internal/plugin-gort-common';
import Grid from '@material-ui/core/Grid';
import { AnnotationProblems } from '../AnnotationProblems';

const objectColumns: TableColumn<WatchedObject>[] = [
  { title: 'Kind', field: 'kind' },
  { title: 'Namespace', field: 'namespace' },
  { title: 'Name', field: 'name' },
  {
    title: 'Cluster',
    field: 'cluster',
    render: object => object.cluster ?? 'default',
  },
];

function settingsMetadata(settings: GortEntitySettings) {
  const repo = (r?: { owner: string; repo: string }) =>
    r ? `${r.owner}/${r.repo}` : 'not set';
  return {
    'Pushes from': repo(settings.targetRepo),
    Branch: settings.branch ?? 'default branch',
    'Fix pull requests to': repo(settings.fixRepo),
    Mode: settings.mode,
    'Reconcile timeout': settings.reconcileTimeoutMs
      ? formatDuration(settings.reconcileTimeoutMs)
      : 'backend default',
    'Plan documents': settings.docsPaths.join(', '),
  };
}

/** The GitOps tab of an entity page. */
export function EntityGortContent() {
  const { entity } = useEntity();
  if (!isGortAvailable(entity)) {
    return <MissingAnnotationEmptyState annotation={ANNOTATION_FLUX_APP} />;
  }
  const { settings, problems } = parseGortAnnotations(
    entity.metadata.annotations,
  );
  return (
    <Content>
      <Grid container spacing={3}>
        {problems.length > 0 && (
          <Grid item xs={12}>
            <AnnotationProblems problems={problems} />
          </Grid>
        )}
        <Grid item xs={12} md={8}>
          <Table<WatchedObject>
            title="Watched Flux objects"
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={objectColumns}
            data={settings.objects}
            emptyContent={
              <div style={{ padding: 16 }}>
                No valid Flux object is named in {ANNOTATION_FLUX_APP}.
              </div>
            }
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <InfoCard title="GORT settings">
            <StructuredMetadataTable metadata={settingsMetadata(settings)} />
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}
