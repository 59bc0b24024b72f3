import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { ANNOTATION_FLUX_APP } from '@gort-backstage/plugin-gort-common';
import Typography from '@material-ui/core/Typography';
import { EXAMPLE_ANNOTATIONS } from '../../lib/exampleAnnotations';

/** The entity names Flux objects, but the backend does not follow it (yet). */
export function NotFollowed(props: { annotation?: string; message?: string }) {
  return (
    <EmptyState
      missing="info"
      title="GORT does not follow this entity yet"
      description={
        <>
          <Typography
            variant="body1"
            component="span"
            style={{ display: 'block' }}
          >
            The entity names <code>{props.annotation ?? 'nothing'}</code> in{' '}
            <code>{ANNOTATION_FLUX_APP}</code>, but the GORT backend has no
            watcher for it. The backend re-reads the catalog every few seconds;
            if this stays, check that the annotation is valid and that the
            catalog has processed the latest version of the entity.
          </Typography>
          {props.message && (
            <Typography
              variant="body2"
              color="textSecondary"
              component="span"
              style={{ display: 'block' }}
            >
              Backend: {props.message}
            </Typography>
          )}
        </>
      }
      action={
        <CodeSnippet
          text={EXAMPLE_ANNOTATIONS}
          language="yaml"
          showCopyCodeButton
        />
      }
    />
  );
}
