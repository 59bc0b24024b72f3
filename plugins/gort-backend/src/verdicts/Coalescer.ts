/**
 * Per-key coalescing of publications: one publication per key at a time;
 * while one is in flight or the key was published less than `minIntervalMs`
 * ago, newer values replace the waiting one, so only the latest is sent. An
 * urgent value (a final verdict) skips the interval but still waits for the
 * publication in flight, so the order on GitHub is the order of events.
 * With `firstDelayMs`, a new key's first value waits that long too, unless
 * it is urgent.
 */
export class Coalescer<T> {
  private readonly keys = new Map<string, { pending?: { value: T; urgent: boolean }; inFlight: boolean; lastAt: number; timer?: ReturnType<typeof setTimeout> }>();
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly publish: (key: string, value: T) => Promise<void>,
    private readonly options: {
      minIntervalMs: number;
      /**
       * How long a new key's first value waits (default 0: at once), so a
       * value replaced or made final within it is never sent on its own.
       */
      firstDelayMs?: number;
      now?: () => number;
      onError?: (key: string, error: unknown) => void;
    },
  ) {}

  submit(key: string, value: T, urgent = false): void {
    const firstDelay = this.options.firstDelayMs ?? 0;
    const entry = this.keys.get(key) ?? {
      inFlight: false,
      // a first value waits as if the key had been published `firstDelay` before the interval ends
      lastAt: firstDelay > 0 ? (this.options.now ?? Date.now)() + firstDelay - this.options.minIntervalMs : Number.NEGATIVE_INFINITY,
    };
    this.keys.set(key, entry);
    entry.pending = { value, urgent: urgent || Boolean(entry.pending?.urgent) };
    this.drain(key);
  }

  /** Whether a value of the key waits or is being published. */
  has(key: string): boolean {
    const entry = this.keys.get(key);
    return Boolean(entry && (entry.inFlight || entry.pending));
  }

  /** Resolves once nothing is waiting or in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise(resolve => this.idleWaiters.push(resolve));
  }

  /** Drops waiting values and timers (shutdown). */
  stop(): void {
    for (const entry of this.keys.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.pending = undefined;
    }
    this.notifyIdle();
  }

  private isIdle(): boolean {
    return [...this.keys.values()].every(entry => !entry.inFlight && !entry.pending);
  }

  private notifyIdle() {
    // the scan is over every key: only made when someone waits
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  private drain(key: string): void {
    const entry = this.keys.get(key);
    if (!entry || entry.inFlight || !entry.pending) return;
    const now = (this.options.now ?? Date.now)();
    const wait = entry.lastAt + this.options.minIntervalMs - now;
    if (!entry.pending.urgent && wait > 0) {
      entry.timer ??= setTimeout(() => {
        entry.timer = undefined;
        this.drain(key);
      }, wait);
      return;
    }
    if (entry.timer) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    const { value, urgent } = entry.pending;
    entry.pending = undefined;
    entry.inFlight = true;
    this.publish(key, value)
      .catch(error => this.options.onError?.(key, error))
      .finally(() => {
        entry.inFlight = false;
        entry.lastAt = (this.options.now ?? Date.now)();
        if (entry.pending) this.drain(key);
        // A final value ends the key; others keep their time for the interval.
        else if (urgent && !entry.timer) this.keys.delete(key);
        this.notifyIdle();
      });
  }
}
