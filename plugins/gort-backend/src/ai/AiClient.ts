import { AiCallError } from '@gort-backstage/plugin-gort-node';
import type { AiPrompt, AiProvider, AiToolResponse, AiTurn, ToolAnswer, ToolInputValidation } from '@gort-backstage/plugin-gort-node';
import { AiCache } from './AiCache';
import { aiCacheKey } from './cacheKey';
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetries } from './retry';
import { estimateTokens, TokenBudget } from './TokenBudget';

export type AiOutcome = 'retry' | 'ok' | 'cached' | 'repaired' | 'invalid' | 'truncated' | 'error' | 'budget';

/** Receives one record per provider request (for metrics). */
export interface AiRequestObserver {
  aiRequest(record: { provider: string; model: string; outcome: AiOutcome; latencyMs?: number; tokens: { input: number; output: number } }): void;
}

export type AiToolResult<T> =
  | { ok: true; value: T; tokens: { input: number; output: number }; cached: boolean; repaired: boolean }
  | { ok: false; error: string; tokens: { input: number; output: number } };

export interface AiClientOptions {
  provider: AiProvider;
  cache?: AiCache;
  maxTokens: number;
  retry?: RetryPolicy;
  observer?: AiRequestObserver;
}

function promptChars(prompt: AiPrompt, followUp: AiTurn[]): number {
  return (
    prompt.system.length +
    prompt.messages.reduce((n, m) => n + m.content.length, 0) +
    JSON.stringify(prompt.tools).length +
    JSON.stringify(followUp).length
  );
}

/** The turns that send validation problems back, for the one repair attempt. */
export function repairTurns(response: AiToolResponse, toolName: string, problems: string[]): AiTurn[] {
  const text = `The ${toolName} call was rejected:\n${problems.map(p => `- ${p}`).join('\n')}\nCall ${toolName} again, once, with every problem fixed.`;
  const index = response.answer.toolCalls.findIndex(call => call.name === toolName);
  if (index < 0 || !response.toolCallIds[index]) return [{ role: 'user', text }];
  return [
    { role: 'tool_call', id: response.toolCallIds[index], name: toolName, input: response.answer.toolCalls[index].input },
    { role: 'tool_result', id: response.toolCallIds[index], text, isError: true },
  ];
}

/**
 * Asks a provider for one structured answer: cache first, then the call
 * (retried with backoff on 429/5xx/529), validation, and ONE repair attempt
 * that sends the problems back. An answer cut at max_tokens is never used.
 * Never throws: failures come back as `{ ok: false, error }`.
 */
export class AiClient {
  constructor(private readonly options: AiClientOptions) {}

  get providerName(): string {
    return this.options.provider.name;
  }

  get model(): string {
    return this.options.provider.model;
  }

  async askTool<T>(
    prompt: AiPrompt,
    read: (answer: ToolAnswer) => ToolInputValidation<T>,
    budget: TokenBudget,
  ): Promise<AiToolResult<T>> {
    const { provider, cache, maxTokens } = this.options;
    const tokens = { input: 0, output: 0 };
    const key = aiCacheKey(provider.name, provider.model, prompt, maxTokens);
    const cached = await cache?.get(key).catch(() => undefined);
    if (cached) {
      this.record('cached', { input: 0, output: 0 });
      return { ok: true, value: cached.value as T, tokens: cached.usage, cached: true, repaired: false };
    }

    const first = await this.call(prompt, [], budget, tokens);
    if ('error' in first) return { ok: false, error: first.error, tokens };
    let result = read(first.response.answer);
    if (first.response.answer.stopReason === 'max_tokens') {
      this.record('truncated', first.response.usage);
      return { ok: false, error: `answer not used: ${problemsText(result)}`, tokens };
    }
    let repaired = false;
    if (!result.ok) {
      this.record('invalid', first.response.usage);
      const toolName = prompt.toolChoice.name;
      const second = await this.call(prompt, repairTurns(first.response, toolName, result.problems), budget, tokens);
      if ('error' in second) return { ok: false, error: `invalid answer (${problemsText(result)}); repair failed: ${second.error}`, tokens };
      result = read(second.response.answer);
      if (!result.ok || second.response.answer.stopReason === 'max_tokens') {
        this.record(second.response.answer.stopReason === 'max_tokens' ? 'truncated' : 'invalid', second.response.usage);
        return { ok: false, error: `answer not used after one repair attempt: ${problemsText(result)}`, tokens };
      }
      repaired = true;
      this.record('repaired', second.response.usage);
    } else {
      this.record('ok', first.response.usage);
    }
    await cache?.set(key, provider.name, provider.model, { value: result.value, usage: tokens }).catch(() => undefined);
    return { ok: true, value: result.value, tokens, cached: false, repaired };
  }

  private async call(
    prompt: AiPrompt,
    followUp: AiTurn[],
    budget: TokenBudget,
    tokens: { input: number; output: number },
  ): Promise<{ response: AiToolResponse } | { error: string }> {
    const { provider, maxTokens } = this.options;
    const estimated = estimateTokens(' '.repeat(promptChars(prompt, followUp)));
    if (!budget.allows(estimated, maxTokens)) {
      this.record('budget', { input: 0, output: 0 });
      return { error: `token budget exhausted: about ${estimated + maxTokens} tokens needed, ${budget.remaining} of ${budget.limit} left for this run` };
    }
    const started = Date.now();
    try {
      const response = await withRetries(
        () => provider.callTool({ prompt, followUp, maxTokens }),
        this.options.retry ?? DEFAULT_RETRY_POLICY,
        () => this.record('retry', { input: 0, output: 0 }),
      );
      tokens.input += response.usage.input;
      tokens.output += response.usage.output;
      budget.spend(response.usage.input + response.usage.output);
      this.lastLatency = Date.now() - started;
      return { response };
    } catch (error) {
      this.record('error', { input: 0, output: 0 }, Date.now() - started);
      const retries = this.options.retry?.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries;
      const message = error instanceof AiCallError ? error.message : String(error);
      return { error: `${message}${error instanceof AiCallError && error.retryable ? ` (gave up after ${retries} retries)` : ''}` };
    }
  }

  private lastLatency?: number;

  private record(outcome: AiOutcome, tokens: { input: number; output: number }, latencyMs?: number) {
    const latency = latencyMs ?? (outcome === 'cached' || outcome === 'budget' ? undefined : this.lastLatency);
    this.options.observer?.aiRequest({ provider: this.options.provider.name, model: this.options.provider.model, outcome, latencyMs: latency, tokens });
  }
}

function problemsText(result: ToolInputValidation<unknown>): string {
  return result.ok ? 'ok' : result.problems.slice(0, 5).join('; ');
}
