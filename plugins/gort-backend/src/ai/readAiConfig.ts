import { Config } from '@backstage/config';
import { parseDuration } from '@gort-backstage/plugin-gort-common';
import { RetryPolicy } from './retry';

/** `gort.ai.provider` value for rules-only diagnosis. */
export const NO_AI_PROVIDER = 'none';

export interface AiConfig {
  /** The id of the provider to use (built in or added by a module), or `none`. */
  provider: string;
  maxTokens: number;
  runTokenBudget: number;
  timeoutMs: number;
  cacheTtlMs: number;
  retry: RetryPolicy;
}

function duration(config: Config | undefined, key: string, fallback: number): number {
  const text = config?.getOptionalString(key);
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 0) throw new Error(`Invalid config gort.ai.${key}: "${text}" is not a duration such as 500ms, 90s or 10m`);
  return ms;
}

/**
 * Reads `gort.ai`, except the provider's own section (its factory reads
 * that). Without `provider`, Anthropic is used when its key is set, then an
 * OpenAI-compatible endpoint with a key, else none (rules only).
 */
export function readAiConfig(root: Config): AiConfig {
  const ai = root.getOptionalConfig('gort.ai');
  let provider = ai?.getOptionalString('provider');
  if (!provider) {
    if (ai?.getOptionalString('anthropic.apiKey')) provider = 'anthropic';
    else if (ai?.getOptionalString('openai.apiKey')) provider = 'openai';
    else provider = NO_AI_PROVIDER;
  }
  return {
    provider,
    maxTokens: ai?.getOptionalNumber('maxTokens') ?? 8_192,
    runTokenBudget: ai?.getOptionalNumber('runTokenBudget') ?? 200_000,
    timeoutMs: duration(ai, 'timeout', 120_000),
    cacheTtlMs: duration(ai, 'cacheTtl', 7 * 24 * 3600_000),
    retry: {
      maxRetries: ai?.getOptionalNumber('retries.maxRetries') ?? 3,
      baseDelayMs: duration(ai, 'retries.baseDelay', 1_000),
      maxDelayMs: duration(ai, 'retries.maxDelay', 20_000),
    },
  };
}
