import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { backendMessage, statusCodeOf } from '../../lib/errors';

/**
 * A failed GORT request, told in words the reader can act on: missing
 * permission, backend down, or the backend's own message.
 */
export function GortErrorState(props: { error: Error; notFound?: ReactNode }) {
  const { error, notFound } = props;
  const status = statusCodeOf(error);
  if (status === 404 && notFound) {
    return <>{notFound}</>;
  }
  if (status === 403 || status === 401) {
    return (
      <WarningPanel severity="error" title="Permission denied" defaultExpanded>
        <Typography variant="body2">
          You are not allowed to see GORT runs here: {backendMessage(error)}.
          Ask your Backstage administrator for the <code>gort.run.read</code>{' '}
          permission.
        </Typography>
      </WarningPanel>
    );
  }
  if (
    status === undefined ||
    status === 502 ||
    status === 503 ||
    status === 504
  ) {
    return (
      <WarningPanel
        severity="error"
        title="The GORT backend cannot be reached"
        defaultExpanded
      >
        <Typography variant="body2">
          Check that the gort backend plugin is installed and running, then
          reload this page. Details: {backendMessage(error)}
        </Typography>
      </WarningPanel>
    );
  }
  return <ResponseErrorPanel error={error} defaultExpanded />;
}
