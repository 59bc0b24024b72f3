/** Wall time of each step, for the closing summary. */
export class Timings {
  readonly steps: Array<{ name: string; seconds: number; ok: boolean }> = [];
  private readonly started = Date.now();

  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    process.stdout.write(`[install-test] ${name}\n`);
    const started = Date.now();
    try {
      const result = await work();
      this.record(name, started, true);
      return result;
    } catch (error) {
      this.record(name, started, false);
      throw error;
    }
  }

  get totalSeconds(): number {
    return Math.round((Date.now() - this.started) / 100) / 10;
  }

  private record(name: string, started: number, ok: boolean) {
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    this.steps.push({ name, seconds, ok });
    process.stdout.write(
      `[install-test] ${name}: ${ok ? 'ok' : 'FAILED'} in ${seconds} s\n`,
    );
  }
}
