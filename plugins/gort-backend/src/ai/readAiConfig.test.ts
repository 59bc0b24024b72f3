import { ConfigReader } from '@backstage/config';
import { readAiConfig } from './readAiConfig';

const read = (ai: object) => readAiConfig(new ConfigReader({ gort: { ai } }));

describe('readAiConfig', () => {
  it('defaults to Anthropic when its key is set, else to none', () => {
    expect(read({ anthropic: { apiKey: 'k' } })).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(read({ openai: { apiKey: 'k', baseUrl: 'http://models.test/v1', model: 'm' } })).toMatchObject({ provider: 'openai', model: 'm', baseUrl: 'http://models.test/v1' });
    expect(readAiConfig(new ConfigReader({}))).toMatchObject({ provider: 'none' });
  });

  it('reads Ollama without a key and the bounds', () => {
    expect(read({ provider: 'ollama', maxTokens: 2048, runTokenBudget: 5000, retries: { maxRetries: 1, baseDelay: '10ms' } })).toMatchObject({
      provider: 'ollama',
      baseUrl: 'http://localhost:11434/v1',
      maxTokens: 2048,
      runTokenBudget: 5000,
      retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20_000 },
    });
  });

  it('names the key at fault', () => {
    expect(() => read({ provider: 'anthropic' })).toThrow(/gort.ai.anthropic.apiKey/);
    expect(() => read({ provider: 'gpt' })).toThrow(/gort.ai.provider/);
    expect(() => read({ provider: 'none', timeout: 'soon' })).toThrow(/gort.ai.timeout/);
  });
});
