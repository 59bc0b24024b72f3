import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef, SignalApi } from '@backstage/plugin-signals-react';
import { act, renderHook } from '@testing-library/react';
import { PropsWithChildren } from 'react';
import { LiveRefreshOptions, useLiveRefresh } from './useLiveRefresh';
import { nextPollDelay } from './polling';

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', {
    configurable: true,
    get: () => hidden,
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

function withoutSignals({ children }: PropsWithChildren) {
  return <TestApiProvider apis={[]}>{children}</TestApiProvider>;
}

describe('nextPollDelay', () => {
  it('doubles up to the ceiling', () => {
    expect(nextPollDelay(2000, 30_000)).toBe(4000);
    expect(nextPollDelay(16_000, 30_000)).toBe(30_000);
    expect(nextPollDelay(30_000, 30_000)).toBe(30_000);
  });
});

describe('useLiveRefresh with signals', () => {
  it('re-fetches when a message for this entity arrives, and only then', () => {
    let deliver: (message: any) => void = () => {};
    const unsubscribe = jest.fn();
    const signalApi: SignalApi = {
      subscribe: (channel, onMessage) => {
        expect(channel).toBe('gort:runs');
        deliver = onMessage as any;
        return { unsubscribe };
      },
    };
    const refresh = jest.fn();
    const { result, unmount } = renderHook(
      () =>
        useLiveRefresh({
          entityRef: 'component:default/podinfo',
          active: true,
          refresh,
        }),
      {
        wrapper: ({ children }) => (
          <TestApiProvider apis={[[signalApiRef, signalApi]]}>
            {children}
          </TestApiProvider>
        ),
      },
    );
    expect(result.current).toBe('signals');
    act(() =>
      deliver({
        type: 'run',
        runId: 'r1',
        entityRef: 'component:default/other',
        state: 'reconciling',
      }),
    );
    expect(refresh).not.toHaveBeenCalled();
    act(() =>
      deliver({
        type: 'run',
        runId: 'r1',
        entityRef: 'component:default/podinfo',
        state: 'failed',
      }),
    );
    expect(refresh).toHaveBeenCalledTimes(1);
    unmount();
    expect(unsubscribe).toHaveBeenCalled();
  });

  it('can follow a single run', () => {
    let deliver: (message: any) => void = () => {};
    const signalApi: SignalApi = {
      subscribe: (_channel, onMessage) => {
        deliver = onMessage as any;
        return { unsubscribe: () => {} };
      },
    };
    const refresh = jest.fn();
    renderHook(() => useLiveRefresh({ runId: 'r2', active: true, refresh }), {
      wrapper: ({ children }) => (
        <TestApiProvider apis={[[signalApiRef, signalApi]]}>
          {children}
        </TestApiProvider>
      ),
    });
    act(() =>
      deliver({
        type: 'run',
        runId: 'r1',
        entityRef: 'component:default/podinfo',
        state: 'done',
      }),
    );
    expect(refresh).not.toHaveBeenCalled();
    act(() =>
      deliver({
        type: 'run',
        runId: 'r2',
        entityRef: 'component:default/podinfo',
        state: 'done',
      }),
    );
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('re-fetches on the content-free "runs changed" broadcast, whatever it follows', () => {
    let deliver: (message: any) => void = () => {};
    const signalApi: SignalApi = {
      subscribe: (_channel, onMessage) => {
        deliver = onMessage as any;
        return { unsubscribe: () => {} };
      },
    };
    const refresh = jest.fn();
    renderHook(
      () =>
        useLiveRefresh({
          entityRef: 'component:default/podinfo',
          runId: 'r2',
          active: true,
          refresh,
        }),
      {
        wrapper: ({ children }) => (
          <TestApiProvider apis={[[signalApiRef, signalApi]]}>
            {children}
          </TestApiProvider>
        ),
      },
    );
    act(() => deliver({ type: 'runs-changed' }));
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});

describe('useLiveRefresh without signals', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    setHidden(false);
  });
  afterEach(() => {
    jest.useRealTimers();
    setHidden(false);
  });

  function renderPolling(initial: Partial<LiveRefreshOptions> = {}) {
    const refresh = jest.fn();
    const hook = renderHook(
      (props: Partial<LiveRefreshOptions>) =>
        useLiveRefresh({ active: true, refresh, ...props }),
      {
        wrapper: withoutSignals,
        initialProps: initial,
      },
    );
    return { refresh, ...hook };
  }

  it('polls with backoff from 2 s up to 30 s', () => {
    const { refresh, result } = renderPolling();
    expect(result.current).toBe('polling');
    const expectCallsAfter = (ms: number, calls: number) => {
      act(() => jest.advanceTimersByTime(ms));
      expect(refresh).toHaveBeenCalledTimes(calls);
    };
    expectCallsAfter(1999, 0);
    expectCallsAfter(1, 1); // 2 s
    expectCallsAfter(4000, 2); // +4 s
    expectCallsAfter(8000, 3); // +8 s
    expectCallsAfter(16_000, 4); // +16 s
    expectCallsAfter(29_999, 4);
    expectCallsAfter(1, 5); // capped at 30 s
    expectCallsAfter(30_000, 6);
  });

  it('stops while the page is hidden and refreshes when it is shown again', () => {
    const { refresh } = renderPolling();
    act(() => setHidden(true));
    act(() => jest.advanceTimersByTime(120_000));
    expect(refresh).not.toHaveBeenCalled();
    act(() => setHidden(false));
    expect(refresh).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(2000));
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('drops to the slow heartbeat once the run is finished', () => {
    const { refresh, rerender, result } = renderPolling();
    act(() => jest.advanceTimersByTime(2000));
    expect(refresh).toHaveBeenCalledTimes(1);
    rerender({ active: false });
    expect(result.current).toBe('idle');
    act(() => jest.advanceTimersByTime(29_999));
    expect(refresh).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(1));
    expect(refresh).toHaveBeenCalledTimes(2);
    act(() => jest.advanceTimersByTime(90_000));
    expect(refresh).toHaveBeenCalledTimes(5);
  });

  it('only refreshes every 30 s when nothing is in progress', () => {
    const { refresh } = renderPolling({ active: false });
    act(() => jest.advanceTimersByTime(29_999));
    expect(refresh).not.toHaveBeenCalled();
    act(() => jest.advanceTimersByTime(90_001));
    expect(refresh).toHaveBeenCalledTimes(4);
  });
});
