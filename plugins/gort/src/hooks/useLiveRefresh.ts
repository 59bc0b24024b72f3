import { useSignal } from '@backstage/plugin-signals-react';
import { GORT_RUNS_SIGNAL_CHANNEL } from '@internal/plugin-gort-common';
import { useEffect, useRef } from 'react';
import { nextPollDelay } from './polling';

export interface LiveRefreshOptions {
  /** Only signals about this entity trigger a refresh; all of them when absent. */
  entityRef?: string;
  /** Only signals about this run trigger a refresh. */
  runId?: string;
  /** Whether something is in progress; polling runs only then. */
  active: boolean;
  refresh: () => void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export type LiveMode = 'signals' | 'polling' | 'idle';

/**
 * Keeps a view fresh while GORT works on a run: re-fetches when the backend
 * signals a change on `gort:runs`, or, in apps without the signals plugin,
 * polls with backoff while something is active and the page is visible.
 */
export function useLiveRefresh(options: LiveRefreshOptions): LiveMode {
  const {
    entityRef,
    runId,
    active,
    refresh,
    minDelayMs = 2000,
    maxDelayMs = 30_000,
  } = options;
  const refreshRef = useRef(refresh);
  useEffect(() => {
    refreshRef.current = refresh;
  }, [refresh]);

  const { lastSignal, isSignalsAvailable } = useSignal(
    GORT_RUNS_SIGNAL_CHANNEL,
  );
  useEffect(() => {
    if (
      lastSignal &&
      (!entityRef || lastSignal.entityRef === entityRef) &&
      (!runId || lastSignal.runId === runId)
    ) {
      refreshRef.current();
    }
  }, [lastSignal, entityRef, runId]);

  const polling = active && !isSignalsAvailable;
  useEffect(() => {
    if (!polling) {
      return undefined;
    }
    let delay = minDelayMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
    };
    const schedule = () => {
      stop();
      timer = setTimeout(() => {
        timer = undefined;
        refreshRef.current();
        delay = nextPollDelay(delay, maxDelayMs);
        schedule();
      }, delay);
    };
    // A hidden tab costs the backend nothing; coming back refreshes at once
    // and restarts the backoff, since the run has likely moved on.
    const onVisibilityChange = () => {
      if (document.hidden) {
        stop();
      } else {
        delay = minDelayMs;
        refreshRef.current();
        schedule();
      }
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    if (!document.hidden) {
      schedule();
    }
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [polling, minDelayMs, maxDelayMs]);

  if (isSignalsAvailable) {
    return 'signals';
  }
  return polling ? 'polling' : 'idle';
}
