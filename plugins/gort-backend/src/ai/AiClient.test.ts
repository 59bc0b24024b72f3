import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildIntentPrompt, readIntentVerdictAnswer, REPORT_INTENT_VERDICT_TOOL_NAME } from '@gort-backstage/plugin-gort-node';
import { AnthropicServer, startAnthropicServer } from '@gort-backstage/sandbox';
import { InMemoryAiCache } from './AiCache';
import { AiClient, AiOutcome } from './AiClient';
import { AnthropicProvider } from './AnthropicProvider';
import { OpenAiCompatibleProvider } from './OpenAiCompatibleProvider';
import { TokenBudget } from './TokenBudget';

const FAST = { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 10 };

const prompt = () =>
  buildIntentPrompt({
    push: { repository: 'acme/fleet', sha: 'a'.repeat(40) },
    objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }],
    plans: [{ path: 'docs/plans/podinfo.md', content: 'podinfo runs 3 replicas' }],
    runtime: { workloads: [{ kind: 'Deployment', namespace: 'apps', name: 'podinfo', replicas: { desired: 2, ready: 2 } }] },
  });

describe('AiClient with the Anthropic stand-in', () => {
  let server: AnthropicServer;
  beforeAll(async () => {
    server = await startAnthropicServer({ apiKey: 'k', retryAfterSeconds: 0 });
  });
  afterAll(() => server.close());
  afterEach(() => server.setMode('normal'));

  const client = (outcomes: AiOutcome[], cache = new InMemoryAiCache(), maxTokens = 4096) =>
    new AiClient({
      provider: new AnthropicProvider({ apiKey: 'k', model: 'claude-haiku-5-5', baseURL: server.url }),
      cache,
      maxTokens,
      retry: FAST,
      observer: { aiRequest: r => outcomes.push(r.outcome) },
    });

  it('returns a validated tool answer, and answers identical input from the cache', async () => {
    const outcomes: AiOutcome[] = [];
    const ai = client(outcomes);
    const first = await ai.askTool(prompt(), readIntentVerdictAnswer, new TokenBudget(100_000));
    expect(first).toMatchObject({ ok: true, cached: false, value: { met: false } });
    const requests = server.requests.length;
    // Whitespace differences do not defeat the cache.
    const again = prompt();
    again.messages[0].content = `${again.messages[0].content}  \r\n`;
    expect(await ai.askTool(again, readIntentVerdictAnswer, new TokenBudget(100_000))).toMatchObject({ ok: true, cached: true });
    expect(server.requests.length).toBe(requests);
    expect(outcomes).toEqual(['ok', 'cached']);
  });

  it('retries 429 and 529, then succeeds', async () => {
    const outcomes: AiOutcome[] = [];
    server.failNext(429, 1);
    server.failNext(529, 1);
    const result = await client(outcomes).askTool(prompt(), readIntentVerdictAnswer, new TokenBudget(100_000));
    expect(result.ok).toBe(true);
    expect(outcomes).toEqual(['retry', 'retry', 'ok']);
  });

  it('never uses a truncated answer', async () => {
    server.setMode('truncate');
    const result = await client([]).askTool(prompt(), readIntentVerdictAnswer, new TokenBudget(100_000));
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/max_tokens/) });
  });

  it('refuses calls beyond the run token budget, before sending anything', async () => {
    const requests = server.requests.length;
    const result = await client([]).askTool(prompt(), readIntentVerdictAnswer, new TokenBudget(1_000));
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/token budget exhausted/) });
    expect(server.requests.length).toBe(requests);
  });
});

/** An OpenAI-compatible endpoint whose first answer breaks the schema. */
async function startChatCompletionsServer() {
  const bodies: any[] = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw);
      bodies.push(body);
      calls++;
      const args = calls === 1 ? { met: true, confidence: 2, findings: [] } : { met: false, confidence: 0.8, findings: [{ expectation: '3 replicas', observed: '2 ready', status: 'not_met' }] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${calls}`,
          object: 'chat.completion',
          created: 0,
          model: body.model,
          choices: [
            {
              index: 0,
              finish_reason: 'tool_calls',
              message: { role: 'assistant', content: null, tool_calls: [{ id: `call_${calls}`, type: 'function', function: { name: REPORT_INTENT_VERDICT_TOOL_NAME, arguments: JSON.stringify(args) } }] },
            },
          ],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        }),
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies, close: () => new Promise(r => server.close(r)) };
}

describe('AiClient with an OpenAI-compatible endpoint', () => {
  it('sends the validation problems back once and uses the repaired answer', async () => {
    const endpoint = await startChatCompletionsServer();
    try {
      const outcomes: AiOutcome[] = [];
      const ai = new AiClient({
        provider: new OpenAiCompatibleProvider({ name: 'openai', apiKey: 'k', model: 'gpt-test', baseURL: endpoint.url }),
        maxTokens: 1024,
        retry: FAST,
        observer: { aiRequest: r => outcomes.push(r.outcome) },
      });
      const result = await ai.askTool(prompt(), readIntentVerdictAnswer, new TokenBudget(100_000));
      expect(result).toMatchObject({ ok: true, repaired: true, value: { met: false }, tokens: { input: 200, output: 40 } });
      expect(outcomes).toEqual(['invalid', 'repaired']);
      const [first, repair] = endpoint.bodies;
      expect(first.tool_choice).toEqual({ type: 'function', function: { name: REPORT_INTENT_VERDICT_TOOL_NAME } });
      expect(first.tools[0].function.parameters.required).toEqual(['met', 'confidence', 'findings']);
      const last = repair.messages[repair.messages.length - 1];
      expect(last).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
      expect(last.content).toMatch(/confidence: must be between 0 and 1/);
    } finally {
      await endpoint.close();
    }
  });
});
