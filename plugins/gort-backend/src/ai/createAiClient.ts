import { AiCache } from './AiCache';
import { AiClient, AiRequestObserver } from './AiClient';
import { AnthropicProvider } from './AnthropicProvider';
import { OpenAiCompatibleProvider } from './OpenAiCompatibleProvider';
import { AiConfig } from './readAiConfig';
import { AiProvider } from '@gort-backstage/plugin-gort-node';

export function createAiProvider(config: AiConfig): AiProvider | undefined {
  switch (config.provider) {
    case 'anthropic':
      return new AnthropicProvider({ apiKey: config.apiKey!, model: config.model, baseURL: config.baseUrl, timeoutMs: config.timeoutMs });
    case 'openai':
    case 'ollama':
      return new OpenAiCompatibleProvider({
        name: config.provider,
        apiKey: config.apiKey ?? '',
        model: config.model,
        baseURL: config.baseUrl,
        timeoutMs: config.timeoutMs,
      });
    default:
      return undefined;
  }
}

/** The configured AI, or undefined for `none` (rules only). */
export function createAiClient(config: AiConfig, deps: { cache?: AiCache; observer?: AiRequestObserver }): AiClient | undefined {
  const provider = createAiProvider(config);
  if (!provider) return undefined;
  return new AiClient({ provider, cache: deps.cache, maxTokens: config.maxTokens, retry: config.retry, observer: deps.observer });
}
