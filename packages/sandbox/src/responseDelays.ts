/**
 * Slow and hanging answers, for fault-injection tests: a stand-in can answer
 * late (a slow model, a slow API) or not at all until released (a hung
 * connection), for every request or only those a predicate picks.
 */
export type ResponseDelay = { slowMs: number } | 'hang';

export interface DelayedRequest {
  method: string;
  path: string;
}

/** Whether a stand-in waits before doing the request's work, or after it (the work is done, the answer is late). */
export type DelayPhase = 'before' | 'after';

export class ResponseDelays {
  private rule?: { delay: ResponseDelay; matches: (request: DelayedRequest) => boolean; phase: DelayPhase };
  private readonly hanging = new Set<() => void>();

  /** Delays matching requests from now on; `undefined` answers at once again and releases hung requests. */
  set(delay: ResponseDelay | undefined, matches: (request: DelayedRequest) => boolean = () => true, phase: DelayPhase = 'after'): void {
    this.rule = delay ? { delay, matches, phase } : undefined;
    if (!delay || delay !== 'hang') this.releaseAll();
  }

  /** How many requests are hanging now. */
  get hangingCount(): number {
    return this.hanging.size;
  }

  /** Waits as the rule says for `request` (resolves at once when no rule matches). */
  async wait(request: DelayedRequest, phase: DelayPhase = 'after'): Promise<void> {
    const rule = this.rule;
    if (!rule || rule.phase !== phase || !rule.matches(request)) return;
    if (rule.delay === 'hang') {
      await new Promise<void>(resolve => this.hanging.add(resolve));
      return;
    }
    await new Promise(resolve => setTimeout(resolve, (rule.delay as { slowMs: number }).slowMs));
  }

  releaseAll(): void {
    for (const release of this.hanging) release();
    this.hanging.clear();
  }
}
