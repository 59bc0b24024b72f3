import { validateMessagesRequest } from './validateMessagesRequest';

const valid = {
  model: 'claude-sonnet-5-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello' }],
};

function problem(body: unknown): string {
  const result = validateMessagesRequest(body);
  if (result.ok) throw new Error('expected the request to be rejected');
  return `${result.error.status} ${result.error.type}: ${result.error.message}`;
}

describe('validateMessagesRequest', () => {
  it('accepts a minimal request and a full tool conversation', () => {
    expect(validateMessagesRequest(valid).ok).toBe(true);
    const conversation = {
      ...valid,
      system: [{ type: 'text', text: 'You are GORT.' }],
      tools: [
        {
          name: 'propose_fix',
          description: 'd',
          input_schema: { type: 'object', properties: {} },
        },
      ],
      tool_choice: { type: 'tool', name: 'propose_fix' },
      temperature: 0,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Fix it' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'propose_fix', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: 'edits[0].search does not occur',
              is_error: true,
            },
            {
              type: 'image',
              source: {
                type: 'base64',
                media_type: 'image/png',
                data: 'iVBORw0KGgo=',
              },
            },
          ],
        },
      ],
    };
    expect(validateMessagesRequest(conversation).ok).toBe(true);
  });

  it('combines consecutive turns of one role, as the API does, and accepts max_tokens 0', () => {
    const consecutive = {
      ...valid,
      max_tokens: 0,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 't', input: {} }],
        },
        { role: 'user', content: 'context' },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1' }],
        },
      ],
    };
    expect(validateMessagesRequest(consecutive).ok).toBe(true);
  });

  it.each([
    [
      { ...valid, max_tokens: undefined },
      '400 invalid_request_error: max_tokens: Field required',
    ],
    [
      { ...valid, max_tokens: -1 },
      '400 invalid_request_error: max_tokens: Input should be greater than or equal to 0',
    ],
    [
      { ...valid, max_tokens: 1.5 },
      '400 invalid_request_error: max_tokens: Input should be a valid integer',
    ],
    [
      { ...valid, max_tokens: 100_000 },
      '400 invalid_request_error: max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-5-5',
    ],
    [
      { ...valid, model: 42 },
      '400 invalid_request_error: model: Input should be a valid string',
    ],
    [{ ...valid, model: 'gpt-4o' }, '404 not_found_error: model: gpt-4o'],
    [
      { ...valid, messages: [] },
      '400 invalid_request_error: messages: at least one message is required',
    ],
    [
      {
        ...valid,
        messages: [
          { role: 'user', content: 'a' },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'toolu_1', name: 't', input: {} },
            ],
          },
          { role: 'user', content: 'no result' },
        ],
      },
      '400 invalid_request_error: messages.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    ],
    [
      { ...valid, messages: [{ role: 'system', content: 'a' }] },
      "400 invalid_request_error: messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      { ...valid, messages: [{ role: 'user', content: '' }] },
      '400 invalid_request_error: messages.0: all messages must have non-empty content except for the optional final assistant message',
    ],
    [
      {
        ...valid,
        messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }],
      },
      "400 invalid_request_error: messages.0.content.0: Input tag 'video' found using 'type' does not match any of the expected tags: 'text', 'image', 'tool_use', 'tool_result'",
    ],
    [
      {
        ...valid,
        messages: [
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 'toolu_9' }],
          },
        ],
      },
      '400 invalid_request_error: messages.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    ],
    [
      { ...valid, system: 7 },
      '400 invalid_request_error: system: Input should be a valid string or list',
    ],
    [
      {
        ...valid,
        tools: [{ name: 'bad name', input_schema: { type: 'object' } }],
      },
      "400 invalid_request_error: tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
    ],
    [
      { ...valid, tools: [{ name: 't' }] },
      '400 invalid_request_error: tools.0.input_schema: Field required',
    ],
    [
      { ...valid, tool_choice: { type: 'any' } },
      '400 invalid_request_error: tool_choice: tool_choice may only be specified while providing tools.',
    ],
    [
      {
        ...valid,
        tools: [{ name: 't', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'u' },
      },
      "400 invalid_request_error: tool_choice: Tool 'u' not found in 'tools'.",
    ],
    [
      { ...valid, temperature: 2 },
      '400 invalid_request_error: temperature: Input should be less than or equal to 1',
    ],
    [
      { ...valid, stream: true },
      '400 invalid_request_error: stream: streaming is not supported by the sandbox; send the request without stream or with stream: false',
    ],
    [
      { ...valid, prompt: 'Human: hi' },
      '400 invalid_request_error: prompt: Extra inputs are not permitted',
    ],
    [[valid], '400 invalid_request_error: Input should be a valid dictionary'],
  ])('rejects %j', (body, expected) => {
    expect(problem(body)).toBe(expected);
  });
});
