import { useSignal } from '@backstage/plugin-signals-react';
import {
  GORT_RUNS_SIGNAL_CHANNEL,
  GortRunSignal,
} from '@gort-backstage/plugin-gort-common';
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
  /**
   * Refresh this often when nothing is active (or signals deliver the
   * changes), so a new push still shows if signals are missing or dropped.
   */
  idleDelayMs?: number;
}

export type LiveMode = 'signals' | 'polling' | 'idle';

/**
 * Whether a signal may change what a view shows. Owners get the run's
 * details; everyone gets a content-free "runs changed", after which the view
 * re-fetches through the authorized endpoints.
 */
export function signalConcerns(
  signal: GortRunSignal,
  entityRef?: string,
  runId?: string,
): boolean {
  if (signal.type !== 'run') return true;
  return (
    (!entityRef || signal.entityRef === entityRef) &&
    (!runId || signal.runId === runId)
  );
}

/**
 * Keeps a view fresh while GORT works on a run: re-fetches when the backend
 * signals a change on `gort:runs` (see {@link signalConcerns}), or, in apps without the signals plugin,
 * polls with backoff while something is active; a slow heartbeat covers the
 * idle time. Nothing is fetched while the page is hidden.
 */
export function useLiveRefresh(options: LiveRefreshOptions): LiveMode {
  const {
    entityRef,
    runId,
    active,
    refresh,
    minDelayMs = 2000,
    maxDelayMs = 30_000,
    idleDelayMs = 30_000,
  } = options;
  const refreshRef = useRef(refresh);
  useEffect(() => {
    refreshRef.current = refresh;
  }, [refresh]);

  const { lastSignal, isSignalsAvailable } = useSignal<GortRunSignal>(
    GORT_RUNS_SIGNAL_CHANNEL,
  );
  useEffect(() => {
    if (lastSignal && signalConcerns(lastSignal, entityRef, runId)) {
      refreshRef.current();
    }
  }, [lastSignal, entityRef, runId]);

  // Backoff polling stands in for signals while a run is active; otherwise a
  // slow heartbeat catches what signals missed.
  const polling = active && !isSignalsAvailable;
  useEffect(() => {
    const firstDelay = polling ? minDelayMs : idleDelayMs;
    let delay = firstDelay;
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
        delay = polling ? nextPollDelay(delay, maxDelayMs) : idleDelayMs;
        schedule();
      }, delay);
    };
    // A hidden tab costs the backend nothing; coming back refreshes at once
    // and restarts the backoff, since the run has likely moved on.
    const onVisibilityChange = () => {
      if (document.hidden) {
        stop();
      } else {
        delay = firstDelay;
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
  }, [polling, minDelayMs, maxDelayMs, idleDelayMs]);

  if (isSignalsAvailable) {
    return 'signals';
  }
  return polling ? 'polling' : 'idle';
}
