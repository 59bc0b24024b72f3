import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { gortRunCreatePermission } from '@gort-backstage/plugin-gort-common';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import { useState } from 'react';
import { gortApiRef } from '../../api';
import { backendMessage } from '../../lib/errors';

const DENIED_ID = 'gort-run-now-denied';
const DENIED_TEXT =
  'You need the gort.run.create permission on this entity to start a run (usually: be one of its owners). Ask your Backstage administrator.';
const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

/** Starts a run against the revision the source serves now (`gort.run.create`). */
export function RunNowButton(props: {
  entityRef: string;
  onStarted: (runId: string) => void;
}) {
  const { entityRef, onStarted } = props;
  const gortApi = useApi(gortApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed, loading } = usePermission({
    permission: gortRunCreatePermission,
    resourceRef: entityRef,
  });
  const [starting, setStarting] = useState(false);

  const start = async () => {
    setStarting(true);
    try {
      const result = await gortApi.createRun(entityRef);
      alertApi.post({
        message: result.created
          ? `GORT is following ${result.sha.slice(0, 7)} now.`
          : `A run for ${result.sha.slice(0, 7)} is already under way.`,
        severity: 'success',
        display: 'transient',
      });
      onStarted(result.runId);
    } catch (error) {
      alertApi.post({
        message: `Could not start a run: ${backendMessage(error)}`,
        severity: 'error',
      });
    } finally {
      setStarting(false);
    }
  };

  const denied = !loading && !allowed;
  const button = (
    <Button
      variant="contained"
      color="primary"
      startIcon={<PlayArrowIcon />}
      disabled={!allowed || loading || starting}
      onClick={start}
      aria-describedby={denied ? DENIED_ID : undefined}
    >
      Run now
    </Button>
  );
  if (!denied) {
    return button;
  }
  // A disabled button fires no mouse events, so the tooltip hangs on a
  // wrapper; screen readers get the same text as the button's description.
  return (
    <>
      <Tooltip title={DENIED_TEXT}>
        <span data-testid="run-now-denied">{button}</span>
      </Tooltip>
      <span id={DENIED_ID} style={visuallyHidden}>
        {DENIED_TEXT}
      </span>
    </>
  );
}
