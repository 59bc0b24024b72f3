import { Coalescer } from './Coalescer';

describe('Coalescer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setup(minIntervalMs = 1000, firstDelayMs?: number) {
    const published: Array<[string, number]> = [];
    let release: (() => void) | undefined;
    let hold = false;
    const coalescer = new Coalescer<number>(
      async (key, value) => {
        published.push([key, value]);
        if (hold) await new Promise<void>(resolve => (release = resolve));
      },
      { minIntervalMs, firstDelayMs, now: () => Date.now() },
    );
    return { coalescer, published, holdNext: () => (hold = true), release: () => { hold = false; release?.(); } };
  }

  it('publishes the first value at once, then only the latest within the interval', async () => {
    const { coalescer, published } = setup();
    coalescer.submit('a', 1);
    await jest.advanceTimersByTimeAsync(0);
    coalescer.submit('a', 2);
    coalescer.submit('a', 3);
    coalescer.submit('a', 4);
    await jest.advanceTimersByTimeAsync(999);
    expect(published).toEqual([['a', 1]]);
    await jest.advanceTimersByTimeAsync(1);
    expect(published).toEqual([['a', 1], ['a', 4]]);
  });

  it('with a first delay, holds a new key\'s first value, and sends only the final one made within it', async () => {
    const { coalescer, published } = setup(5000, 1000);
    coalescer.submit('a', 1);
    coalescer.submit('b', 1);
    await jest.advanceTimersByTimeAsync(500);
    expect(published).toEqual([]);
    coalescer.submit('a', 2, true);
    await jest.advanceTimersByTimeAsync(0);
    expect(published).toEqual([['a', 2]]);
    await jest.advanceTimersByTimeAsync(500);
    expect(published).toEqual([['a', 2], ['b', 1]]);
    await coalescer.idle();
  });

  it('sends an urgent value without waiting for the interval, after the one in flight', async () => {
    const { coalescer, published, holdNext, release } = setup(60_000);
    holdNext();
    coalescer.submit('a', 1);
    await jest.advanceTimersByTimeAsync(0);
    coalescer.submit('a', 2);
    coalescer.submit('a', 3, true);
    await jest.advanceTimersByTimeAsync(0);
    expect(published).toEqual([['a', 1]]);
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(published).toEqual([['a', 1], ['a', 3]]);
    await coalescer.idle();
  });

  it('keeps keys apart', async () => {
    const { coalescer, published } = setup();
    coalescer.submit('a', 1);
    coalescer.submit('b', 1);
    await jest.advanceTimersByTimeAsync(0);
    expect(published).toEqual([['a', 1], ['b', 1]]);
  });

  it('reports a failed publication and goes on', async () => {
    const errors: unknown[] = [];
    const coalescer = new Coalescer<number>(async () => { throw new Error('GitHub refused'); }, { minIntervalMs: 0, onError: (_k, e) => errors.push(e) });
    coalescer.submit('a', 1, true);
    await jest.advanceTimersByTimeAsync(0);
    await coalescer.idle();
    expect(errors).toHaveLength(1);
  });
});
