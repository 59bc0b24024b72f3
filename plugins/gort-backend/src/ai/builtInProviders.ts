import type { Config } from '@backstage/config';
import type { GortAiProviderFactory } from '@gort-backstage/plugin-gort-node';
import { AnthropicProvider } from './AnthropicProvider';
import { OpenAiCompatibleProvider } from './OpenAiCompatibleProvider';

function requiredKey(config: Config, id: string): string {
  const apiKey = config.getOptionalString('apiKey');
  if (!apiKey) throw new Error(`Invalid config: gort.ai.provider is ${id} but gort.ai.${id}.apiKey is not set`);
  return apiKey;
}

/** Claude through the Messages API (`gort.ai.anthropic`). */
export const anthropicProvider: GortAiProviderFactory = {
  id: 'anthropic',
  create: ({ config, timeoutMs }) =>
    new AnthropicProvider({
      apiKey: requiredKey(config, 'anthropic'),
      model: config.getOptionalString('model') ?? 'claude-sonnet-4-5',
      baseURL: config.getOptionalString('baseUrl'),
      timeoutMs,
    }),
};

/** Any OpenAI-compatible endpoint: OpenAI, GitHub Models, Groq… (`gort.ai.openai`). */
export const openAiProvider: GortAiProviderFactory = {
  id: 'openai',
  create: ({ config, timeoutMs }) =>
    new OpenAiCompatibleProvider({
      name: 'openai',
      apiKey: requiredKey(config, 'openai'),
      model: config.getOptionalString('model') ?? 'gpt-4.1',
      baseURL: config.getOptionalString('baseUrl'),
      timeoutMs,
    }),
};

/** Ollama's OpenAI-compatible `/v1`; no key needed (`gort.ai.ollama`). */
export const ollamaProvider: GortAiProviderFactory = {
  id: 'ollama',
  create: ({ config, timeoutMs }) =>
    new OpenAiCompatibleProvider({
      name: 'ollama',
      apiKey: config.getOptionalString('apiKey') ?? 'ollama',
      model: config.getOptionalString('model') ?? 'qwen2.5-coder:7b',
      baseURL: config.getOptionalString('baseUrl') ?? 'http://localhost:11434/v1',
      timeoutMs,
    }),
};

export const BUILT_IN_AI_PROVIDERS: GortAiProviderFactory[] = [anthropicProvider, openAiProvider, ollamaProvider];
