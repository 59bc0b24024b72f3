import { Config, ConfigReader } from '@backstage/config';
import type { AiProvider, GortAiProviderFactory } from '@gort-backstage/plugin-gort-node';
import { selectProvider } from '../extensions/selectProvider';
import { AiCache } from './AiCache';
import { AiClient, AiRequestObserver } from './AiClient';
import { BUILT_IN_AI_PROVIDERS } from './builtInProviders';
import { AiConfig, NO_AI_PROVIDER } from './readAiConfig';

/**
 * The provider `gort.ai.provider` names, among the built-ins and those
 * modules added; undefined for `none` (rules only).
 */
export function createAiProvider(root: Config, config: AiConfig, added: GortAiProviderFactory[] = []): AiProvider | undefined {
  if (config.provider === NO_AI_PROVIDER) return undefined;
  const factory = selectProvider([...BUILT_IN_AI_PROVIDERS, ...added], {
    kind: 'AI',
    configKey: 'gort.ai.provider',
    id: config.provider,
  });
  const key = `gort.ai.${config.provider}`;
  return factory.create({
    // An absent section reads as empty, with its key in error messages.
    config: root.getOptionalConfig(key) ?? new ConfigReader({}, 'gort', undefined, key),
    timeoutMs: config.timeoutMs,
  });
}

/** The client around the selected provider, or undefined without one. */
export function createAiClient(provider: AiProvider | undefined, config: AiConfig, deps: { cache?: AiCache; observer?: AiRequestObserver }): AiClient | undefined {
  if (!provider) return undefined;
  return new AiClient({ provider, cache: deps.cache, maxTokens: config.maxTokens, retry: config.retry, observer: deps.observer });
}
