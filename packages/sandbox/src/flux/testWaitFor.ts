/** Polls until `probe` returns a truthy value (tests only). */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | null,
  // under the suites' 30 s test limit, with room for a loaded machine
  timeoutMs = 25_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}
