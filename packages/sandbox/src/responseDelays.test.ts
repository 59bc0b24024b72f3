import { ResponseDelays } from './responseDelays';

describe('ResponseDelays', () => {
  it('answers matching requests late, hangs them until released, and leaves others alone', async () => {
    const delays = new ResponseDelays();
    const post = { method: 'POST', path: '/v1/messages' };
    const get = { method: 'GET', path: '/v1/models' };
    delays.set({ slowMs: 80 }, r => r.method === 'POST');
    let started = Date.now();
    await delays.wait(post);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    started = Date.now();
    await delays.wait(get);
    expect(Date.now() - started).toBeLessThan(50);

    delays.set('hang');
    let answered = false;
    const pending = delays.wait(get).then(() => {
      answered = true;
    });
    await new Promise(r => setTimeout(r, 30));
    expect(answered).toBe(false);
    expect(delays.hangingCount).toBe(1);
    delays.set(undefined);
    await pending;
    expect(answered).toBe(true);
    expect(delays.hangingCount).toBe(0);
  });
});
