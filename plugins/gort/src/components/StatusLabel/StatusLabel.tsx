import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type { StatusKind } from '../../lib/states';

const ICONS: Record<StatusKind, typeof StatusOK> = {
  ok: StatusOK,
  error: StatusError,
  warning: StatusWarning,
  pending: StatusPending,
  running: StatusRunning,
  aborted: StatusAborted,
};

/**
 * A status as icon and text, so it never depends on colour alone. The
 * core-components status marks itself aria-hidden, children included, so the
 * text sits beside it where assistive technology can read it.
 */
export function StatusLabel(props: { kind: StatusKind; label: string }) {
  const Icon = ICONS[props.kind];
  return (
    <span style={{ whiteSpace: 'nowrap' }} data-status={props.kind}>
      <Icon />
      {props.label}
    </span>
  );
}
