import { ConfigReader } from '@backstage/config';
import { readAiConfig } from './readAiConfig';

const read = (ai: object) => readAiConfig(new ConfigReader({ gort: { ai } }));

describe('readAiConfig', () => {
  it('defaults to Anthropic when its key is set, then OpenAI, else none', () => {
    expect(read({ anthropic: { apiKey: 'k' } })).toMatchObject({ provider: 'anthropic' });
    expect(read({ openai: { apiKey: 'k', baseUrl: 'http://models.test/v1', model: 'm' } })).toMatchObject({ provider: 'openai' });
    expect(readAiConfig(new ConfigReader({}))).toMatchObject({ provider: 'none' });
  });

  it('keeps any provider id, for providers that modules add', () => {
    expect(read({ provider: 'acme-llm', anthropic: { apiKey: 'k' } })).toMatchObject({ provider: 'acme-llm' });
  });

  it('reads the bounds', () => {
    expect(read({ provider: 'ollama', maxTokens: 2048, runTokenBudget: 5000, retries: { maxRetries: 1, baseDelay: '10ms' } })).toMatchObject({
      provider: 'ollama',
      maxTokens: 2048,
      runTokenBudget: 5000,
      retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20_000 },
    });
  });

  it('names the key at fault', () => {
    expect(() => read({ provider: 'none', timeout: 'soon' })).toThrow(/gort.ai.timeout/);
  });
});
