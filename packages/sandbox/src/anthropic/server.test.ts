import Anthropic, {
  AuthenticationError,
  BadRequestError,
  ContentTooLargeError,
  NotFoundError,
  OverloadedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import {
  AiPrompt,
  buildFixPrompt,
  buildIntentPrompt,
  readProposeFixAnswer,
  validateIntentVerdictInput,
  validateProposeFixInput,
} from '@gort-backstage/plugin-gort-node';
import { imagePullScenario, intentScenario } from './__fixtures__/scenarios';
import { DEPLOYMENT_AFTER_IMAGE_PUSH } from './__fixtures__/deploymentPushes';
import { SANDBOX_TEST_MODEL } from './__fixtures__/requests';
import { applyReplace } from './analyst/restoreEdit';
import { AnthropicServer, startAnthropicServer } from './server';

const API_KEY = 'sk-ant-sandbox-test-key';

let server: AnthropicServer;

beforeAll(async () => {
  server = await startAnthropicServer({ apiKey: API_KEY });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.setMode('normal');
});

function client(options: { apiKey?: string; maxRetries?: number } = {}) {
  return new Anthropic({
    apiKey: options.apiKey ?? API_KEY,
    baseURL: server.url,
    maxRetries: options.maxRetries ?? 0,
  });
}

function create(prompt: AiPrompt, maxTokens = 4_096, anthropic = client()) {
  return anthropic.messages.create({
    model: SANDBOX_TEST_MODEL,
    max_tokens: maxTokens,
    system: prompt.system,
    messages: prompt.messages,
    tools: prompt.tools as Anthropic.Tool[],
    tool_choice: prompt.toolChoice,
  });
}

function toolInput(message: Anthropic.Message): Record<string, unknown> {
  const block = message.content.find(b => b.type === 'tool_use');
  if (!block || block.type !== 'tool_use') throw new Error('no tool_use block');
  return block.input as Record<string, unknown>;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

describe('Anthropic Messages API stand-in, through @anthropic-ai/sdk', () => {
  it('answers an image-pull fix prompt with a propose_fix tool call restoring the previous tag', async () => {
    const prompt = buildFixPrompt(imagePullScenario());
    const message = await create(prompt);

    expect(message).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: SANDBOX_TEST_MODEL,
      stop_reason: 'tool_use',
      stop_sequence: null,
    });
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'propose_fix',
        input: expect.any(Object),
        caller: { type: 'direct' },
      },
    ]);
    const fix = validateProposeFixInput(toolInput(message));
    if (!fix.ok) throw new Error(fix.problems.join('\n'));
    expect(fix.value.edits).toHaveLength(1);
    const edit = fix.value.edits[0];
    if (edit.kind !== 'replace') throw new Error('expected a replace edit');
    expect(applyReplace(DEPLOYMENT_AFTER_IMAGE_PUSH, edit)).toContain(
      'image: ghcr.io/stefanprodan/podinfo:6.5.4\n',
    );

    const promptChars =
      prompt.system.length +
      prompt.messages[0].content.length +
      JSON.stringify(prompt.tools).length;
    expect(message.usage.input_tokens).toBe(Math.ceil(promptChars / 4));
    expect(message.usage.output_tokens).toBe(
      Math.ceil(JSON.stringify(toolInput(message)).length / 4),
    );
    expect(message._request_id).toMatch(/^req_/);

    const recorded = server.requests[server.requests.length - 1];
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      status: 200,
    });
    expect(recorded.headers['anthropic-version']).toBe('2026-10-21');
    expect(recorded.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('reports an intent verdict with a not_met finding', async () => {
    const message = await create(buildIntentPrompt(intentScenario()));
    expect(message.stop_reason).toBe('tool_use');
    const verdict = validateIntentVerdictInput(toolInput(message));
    if (!verdict.ok) throw new Error(verdict.problems.join('\n'));
    expect(verdict.value.met).toBe(false);
    expect(verdict.value.findings).toContainEqual({
      expectation:
        'Memory limit 64Mi per container. (docs/plans/podinfo-rollout.md)',
      observed:
        'Deployment/apps/podinfo container podinfo: limits.memory=128Mi',
      status: 'not_met',
    });
  });

  it('answers in prose with end_turn when no tool is offered', async () => {
    const prompt = buildFixPrompt(imagePullScenario());
    const message = await client().messages.create({
      model: SANDBOX_TEST_MODEL,
      max_tokens: 1_024,
      system: prompt.system,
      messages: prompt.messages,
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('image-pull'),
    });
  });

  it('rejects a request without max_tokens with BadRequestError', async () => {
    const error = await rejection(
      client().messages.create({
        model: SANDBOX_TEST_MODEL,
        messages: [{ role: 'user', content: 'Hello' }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'max_tokens: Field required',
      },
      request_id: expect.stringMatching(/^req_/),
    });
    expect((error as BadRequestError).requestID).toMatch(/^req_/);
  });

  it('rejects streaming requests', async () => {
    const error = await rejection(
      client().messages.create({
        model: SANDBOX_TEST_MODEL,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hello' }],
        stream: true,
      }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain(
      'streaming is not supported by the sandbox',
    );
  });

  it('rejects a wrong API key with AuthenticationError', async () => {
    const error = await rejection(
      create(
        buildFixPrompt(imagePullScenario()),
        100,
        client({ apiKey: 'sk-ant-wrong' }),
      ),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as AuthenticationError).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    });
  });

  it('answers 429 with retry-after, and the SDK retries to success', async () => {
    server.failNext(429, 1);
    const before = server.requests.length;
    const message = await create(
      buildFixPrompt(imagePullScenario()),
      4_096,
      client({ maxRetries: 2 }),
    );
    expect(message.stop_reason).toBe('tool_use');
    expect(server.requests.slice(before).map(r => r.status)).toEqual([
      429, 200,
    ]);
  });

  it('surfaces 429 as RateLimitError when retries are off', async () => {
    server.failNext(429, 1);
    const error = await rejection(create(buildFixPrompt(imagePullScenario())));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers?.get('retry-after')).toBe('1');
  });

  it('answers 529 overloaded_error', async () => {
    server.failNext(529, 2);
    const error = await rejection(
      create(
        buildFixPrompt(imagePullScenario()),
        4_096,
        client({ maxRetries: 1 }),
      ),
    );
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as OverloadedError).status).toBe(529);
    expect((error as OverloadedError).error).toMatchObject({
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  }, 10_000);

  it('truncates at max_tokens with stop_reason max_tokens and an incomplete tool call', async () => {
    const message = await create(buildFixPrompt(imagePullScenario()), 40);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(40);
    const input = toolInput(message);
    expect(Object.keys(input)).toEqual(['summary']);
    expect(validateProposeFixInput(input).ok).toBe(false);
    expect(
      readProposeFixAnswer({
        stopReason: message.stop_reason,
        toolCalls: [{ name: 'propose_fix', input }],
      }),
    ).toEqual({
      ok: false,
      problems: [
        'the answer was cut at max_tokens before propose_fix was complete; retry with a larger max_tokens',
      ],
    });
  });

  it('truncates any answer in truncate mode', async () => {
    server.setMode('truncate');
    const message = await create(buildFixPrompt(imagePullScenario()));
    expect(message.stop_reason).toBe('max_tokens');
    expect(validateProposeFixInput(toolInput(message)).ok).toBe(false);
  });

  it('proposes a workflow edit in adversarial mode', async () => {
    server.setMode('adversarial');
    const message = await create(buildFixPrompt(imagePullScenario()));
    const input = toolInput(message) as { edits: Array<{ path: string }> };
    expect(input.edits.map(edit => edit.path)).toContain(
      '.github/workflows/deploy.yml',
    );
  });

  it('lists models', async () => {
    const page = await client().models.list();
    expect(page.data.map(model => model.id)).toContain(SANDBOX_TEST_MODEL);
    const error = await rejection(client().models.retrieve('claude-none'));
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe('Anthropic Messages API stand-in, raw HTTP', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': API_KEY,
        'anthropic-version': '2023-06-01',
        ...headers,
      },
      body,
    });

  it('requires the anthropic-version header', async () => {
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(await response.json()).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'anthropic-version: header is required',
      },
      request_id: response.headers.get('request-id'),
    });
  });

  it('requires x-api-key', async () => {
    const response = await post('{}', { 'x-api-key': '' });
    expect(response.status).toBe(401);
    expect((await response.json()).error.type).toBe('authentication_error');
  });

  it.each([
    ['not json', 'The request body is not valid JSON'],
    ['', 'The request body is empty'],
    ['null', 'Input should be a valid dictionary'],
    [
      '{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text"}]}]}',
      'messages.0.content.0.text: Field required',
    ],
    [
      '{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":[]}]}',
      'tools.0.input_schema: Input should be a valid dictionary',
    ],
  ])(
    'answers malformed body %j with 400 and keeps serving',
    async (body, message) => {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toContain(message);
      const ok = await post(
        JSON.stringify({
          model: 'claude-x',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
      expect(ok.status).toBe(200);
    },
  );

  it('never fails with a server error on mutated requests', async () => {
    const valid = JSON.parse(
      JSON.stringify({
        model: SANDBOX_TEST_MODEL,
        max_tokens: 200,
        system: 'x',
        messages: buildFixPrompt(imagePullScenario()).messages,
        tools: buildFixPrompt(imagePullScenario()).tools,
        tool_choice: { type: 'auto' },
      }),
    );
    const values = [
      null,
      0,
      -1,
      1.5,
      '',
      'x',
      [],
      [{}],
      {},
      { type: 'text' },
      true,
      'claude-x',
    ];
    const paths = [
      ['model'],
      ['max_tokens'],
      ['messages'],
      ['messages', 0],
      ['messages', 0, 'role'],
      ['messages', 0, 'content'],
      ['system'],
      ['tools'],
      ['tools', 0],
      ['tools', 0, 'input_schema'],
      ['tool_choice'],
      ['tool_choice', 'type'],
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 60; i++) {
      const body = JSON.parse(JSON.stringify(valid));
      const path = paths[Math.floor(random() * paths.length)];
      let target = body;
      for (const key of path.slice(0, -1)) target = target[key];
      target[path[path.length - 1]] =
        values[Math.floor(random() * values.length)];
      const response = await post(JSON.stringify(body));
      expect([200, 400, 404]).toContain(response.status);
      await response.json();
    }
  });

  it('answers unknown endpoints with not_found_error', async () => {
    const response = await fetch(`${server.url}/v1/complete`, {
      method: 'POST',
    });
    expect(response.status).toBe(404);
    expect((await response.json()).error.type).toBe('not_found_error');
  });

  it('answers bodies over the limit with 413 request_too_large', async () => {
    const small = await startAnthropicServer({
      apiKey: API_KEY,
      maxBodyBytes: 1_000,
    });
    try {
      const anthropic = new Anthropic({
        apiKey: API_KEY,
        baseURL: small.url,
        maxRetries: 0,
      });
      const error = await rejection(
        anthropic.messages.create({
          model: SANDBOX_TEST_MODEL,
          max_tokens: 10,
          messages: [{ role: 'user', content: 'x'.repeat(2_000) }],
        }),
      );
      expect(error).toBeInstanceOf(ContentTooLargeError);
      expect((error as ContentTooLargeError).error).toMatchObject({
        error: { type: 'request_too_large' },
      });
    } finally {
      await small.close();
    }
  });
});
