import { Config } from '@backstage/config';
import { parseDuration } from '@gort-backstage/plugin-gort-common';
import { RetryPolicy } from './retry';

export type AiProviderName = 'anthropic' | 'openai' | 'ollama' | 'none';

export interface AiConfig {
  provider: AiProviderName;
  model: string;
  apiKey?: string;
  baseUrl?: string;
  maxTokens: number;
  runTokenBudget: number;
  timeoutMs: number;
  cacheTtlMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_MODELS: Record<Exclude<AiProviderName, 'none'>, string> = {
  anthropic: 'claude-sonnet-4-5',
  openai: 'gpt-4.1',
  ollama: 'qwen2.5-coder:7b',
};
const DEFAULT_OLLAMA_URL = 'http://localhost:11434/v1';
const PROVIDERS: AiProviderName[] = ['anthropic', 'openai', 'ollama', 'none'];

function duration(config: Config | undefined, key: string, fallback: number): number {
  const text = config?.getOptionalString(key);
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 0) throw new Error(`Invalid config gort.ai.${key}: "${text}" is not a duration such as 500ms, 90s or 10m`);
  return ms;
}

/**
 * Reads `gort.ai`. Without `provider`, Anthropic is used when its key is
 * set, then an OpenAI-compatible endpoint with a key, else none (rules only).
 */
export function readAiConfig(root: Config): AiConfig {
  const ai = root.getOptionalConfig('gort.ai');
  const explicit = ai?.getOptionalString('provider');
  if (explicit !== undefined && !PROVIDERS.includes(explicit as AiProviderName)) {
    throw new Error(`Invalid config gort.ai.provider: "${explicit}"; use one of ${PROVIDERS.join(', ')}`);
  }
  let provider = explicit as AiProviderName | undefined;
  if (!provider) {
    if (ai?.getOptionalString('anthropic.apiKey')) provider = 'anthropic';
    else if (ai?.getOptionalString('openai.apiKey')) provider = 'openai';
    else provider = 'none';
  }
  const section = provider === 'none' ? undefined : ai?.getOptionalConfig(provider);
  const apiKey = section?.getOptionalString('apiKey');
  if ((provider === 'anthropic' || provider === 'openai') && !apiKey) {
    throw new Error(`Invalid config: gort.ai.provider is ${provider} but gort.ai.${provider}.apiKey is not set`);
  }
  return {
    provider,
    model: section?.getOptionalString('model') ?? (provider === 'none' ? 'none' : DEFAULT_MODELS[provider]),
    apiKey: provider === 'ollama' ? apiKey ?? 'ollama' : apiKey,
    baseUrl: section?.getOptionalString('baseUrl') ?? (provider === 'ollama' ? DEFAULT_OLLAMA_URL : undefined),
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
