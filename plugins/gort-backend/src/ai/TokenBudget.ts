/** Tokens one run may spend on AI calls, across its analysis and fix. */
export class TokenBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get spent(): number {
    return this.used;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** Whether a call with this estimated input and output ceiling still fits. */
  allows(estimatedInput: number, maxOutput: number): boolean {
    return estimatedInput + maxOutput <= this.remaining;
  }

  spend(tokens: number): void {
    this.used += tokens;
  }
}

/** Rough token count of text (about four characters a token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
