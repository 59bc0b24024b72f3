import {
  AnalystAnswer,
  composeResponse,
  partialToolInput,
} from './composeResponse';

let ids = 0;
const newToolUseId = () => `toolu_test_${++ids}`;

const toolAnswer: AnalystAnswer = {
  blocks: [
    { type: 'text', text: 'Let me propose a fix.' }, // 21 chars
    {
      type: 'tool_use',
      name: 'propose_fix',
      input: {
        summary: 'Restore the image',
        rootCause: 'x'.repeat(200),
        confidence: 0.9,
        edits: [],
      },
    },
  ],
};

describe('composeResponse', () => {
  it('returns the whole answer with stop_reason tool_use when it fits', () => {
    const output = composeResponse(toolAnswer, {
      maxTokens: 1_000,
      newToolUseId,
    });
    expect(output.stopReason).toBe('tool_use');
    expect(output.content).toHaveLength(2);
    expect(output.content[1]).toMatchObject({
      type: 'tool_use',
      name: 'propose_fix',
      id: expect.stringMatching(/^toolu_/),
    });
    const chars =
      21 +
      JSON.stringify((toolAnswer.blocks[1] as { input: object }).input).length;
    expect(output.outputTokens).toBe(Math.ceil(chars / 4));
  });

  it('keeps only whole leading properties of a tool call cut by max_tokens', () => {
    const output = composeResponse(toolAnswer, { maxTokens: 20, newToolUseId });
    expect(output.stopReason).toBe('max_tokens');
    expect(output.outputTokens).toBe(20);
    expect(output.content).toEqual([
      { type: 'text', text: 'Let me propose a fix.', citations: null },
      {
        type: 'tool_use',
        id: expect.any(String),
        name: 'propose_fix',
        input: { summary: 'Restore the image' },
        caller: { type: 'direct' },
      },
    ]);
  });

  it('cuts text and omits a tool call the budget never reaches', () => {
    const output = composeResponse(toolAnswer, { maxTokens: 3, newToolUseId });
    expect(output).toEqual({
      content: [{ type: 'text', text: 'Let me propo', citations: null }],
      stopReason: 'max_tokens',
      stopSequence: null,
      outputTokens: 3,
    });
  });

  it('truncates at half the answer when forced', () => {
    const output = composeResponse(toolAnswer, {
      maxTokens: 4_096,
      forceTruncation: true,
      newToolUseId,
    });
    expect(output.stopReason).toBe('max_tokens');
    expect(output.outputTokens).toBeLessThan(100);
    expect((output.content[1] as { input: object }).input).not.toHaveProperty(
      'edits',
    );
  });

  it('stops text at the first stop sequence', () => {
    const output = composeResponse(
      { blocks: [{ type: 'text', text: 'one\n\nHuman: two' }] },
      { maxTokens: 100, stopSequences: ['Human:'], newToolUseId },
    );
    expect(output).toMatchObject({
      content: [{ type: 'text', text: 'one\n\n', citations: null }],
      stopReason: 'stop_sequence',
      stopSequence: 'Human:',
    });
  });

  it('answers prose with end_turn', () => {
    expect(
      composeResponse(
        { blocks: [{ type: 'text', text: 'ok' }] },
        { maxTokens: 10, newToolUseId },
      ),
    ).toEqual({
      content: [{ type: 'text', text: 'ok', citations: null }],
      stopReason: 'end_turn',
      stopSequence: null,
      outputTokens: 1,
    });
  });

  it('generates nothing for max_tokens 0', () => {
    expect(composeResponse(toolAnswer, { maxTokens: 0, newToolUseId })).toEqual(
      {
        content: [],
        stopReason: 'max_tokens',
        stopSequence: null,
        outputTokens: 0,
      },
    );
  });
});

describe('partialToolInput', () => {
  it('never keeps a property that did not fit completely', () => {
    expect(partialToolInput({ a: 'xxxx', b: 'yyyy' }, 13)).toEqual({
      a: 'xxxx',
    });
    expect(partialToolInput({ a: 'xxxx', b: 'yyyy' }, 12)).toEqual({});
    expect(partialToolInput({ a: 'xxxx' }, 5)).toEqual({});
  });
});
