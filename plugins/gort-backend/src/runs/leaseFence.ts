import { LeaseLostError, SideEffectGuard } from './ports';

/**
 * The lease fence (see {@link SideEffectGuard}): throws unless `holds()` and
 * the last successful renewal (or the claim) was sent less than half a lease
 * ago by `clock`. A call made now then ends well before the lease could run
 * out, so a replica that lost or may have lost a lease never acts.
 */
export function leaseFence(input: {
  runId: string;
  leaseMs: number;
  clock: () => Date;
  /** Whether this process still holds the run. */
  holds: () => boolean;
  /** Clock time (ms) at which the last successful renewal, or the claim, was sent. */
  renewedAt: () => number;
}): SideEffectGuard {
  return async what => {
    const { runId, leaseMs } = input;
    if (!input.holds()) {
      throw new LeaseLostError(`Not doing "${what}" for run ${runId}: this replica no longer holds it`);
    }
    const age = input.clock().getTime() - input.renewedAt();
    if (age > leaseMs / 2) {
      throw new LeaseLostError(`Not doing "${what}" for run ${runId}: its lease was last renewed ${age} ms ago, more than half the ${leaseMs} ms lease`);
    }
  };
}
