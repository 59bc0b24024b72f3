import { ConfigReader } from '@backstage/config';
import type { AiProvider, GortAiProviderFactory } from '@gort-backstage/plugin-gort-node';
import { createAiProvider } from './createAiClient';
import { readAiConfig } from './readAiConfig';

const provider = (ai: object, added: GortAiProviderFactory[] = []) => {
  const root = new ConfigReader({ gort: { ai } });
  return createAiProvider(root, readAiConfig(root), added);
};

describe('createAiProvider', () => {
  it('builds the built-ins with their default models', () => {
    expect(provider({ anthropic: { apiKey: 'k' } })).toMatchObject({ name: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(provider({ openai: { apiKey: 'k', model: 'm' } })).toMatchObject({ name: 'openai', model: 'm' });
    expect(provider({ provider: 'ollama' })).toMatchObject({ name: 'ollama', model: 'qwen2.5-coder:7b' });
    expect(provider({ provider: 'none', anthropic: { apiKey: 'k' } })).toBeUndefined();
  });

  it('names the missing key of a selected built-in', () => {
    expect(() => provider({ provider: 'anthropic' })).toThrow('gort.ai.provider is anthropic but gort.ai.anthropic.apiKey is not set');
  });

  it("builds a module's provider from its own section and the shared timeout", () => {
    const built: Array<{ endpoint: string; timeoutMs: number }> = [];
    const acme: GortAiProviderFactory = {
      id: 'acme',
      create: ({ config, timeoutMs }) => {
        built.push({ endpoint: config.getString('endpoint'), timeoutMs });
        return { name: 'acme', model: 'acme-1', callTool: async () => Promise.reject(new Error('unused')) } as AiProvider;
      },
    };
    const selected = provider({ provider: 'acme', timeout: '30s', acme: { endpoint: 'http://llm.test' } }, [acme]);
    expect(selected).toMatchObject({ name: 'acme', model: 'acme-1' });
    expect(built).toEqual([{ endpoint: 'http://llm.test', timeoutMs: 30_000 }]);
  });

  it('gives a module an empty section that names its key in errors', () => {
    const strict: GortAiProviderFactory = {
      id: 'strict',
      create: ({ config }) => {
        config.getString('endpoint');
        throw new Error('unreachable');
      },
    };
    expect(() => provider({ provider: 'strict' }, [strict])).toThrow(/gort\.ai\.strict\.endpoint/);
  });

  it('refuses an id no module provides, listing the installed ones', () => {
    expect(() => provider({ provider: 'gpt' })).toThrow(/gort.ai.provider: "gpt" is not an installed AI provider; installed: anthropic, openai, ollama/);
  });
});
