import {
  readIntentVerdictAnswer,
  readProposeFixAnswer,
} from './readToolAnswer';

const verdict = { met: true, confidence: 0.9, findings: [] };

describe('reading tool answers', () => {
  it('returns the validated input of the single expected call', () => {
    expect(
      readIntentVerdictAnswer({
        stopReason: 'tool_use',
        toolCalls: [{ name: 'report_intent_verdict', input: verdict }],
      }),
    ).toEqual({ ok: true, value: verdict });
  });

  it('never uses a call cut at max_tokens, even when it parses', () => {
    expect(
      readIntentVerdictAnswer({
        stopReason: 'max_tokens',
        toolCalls: [{ name: 'report_intent_verdict', input: verdict }],
      }),
    ).toEqual({
      ok: false,
      problems: [
        'the answer was cut at max_tokens before report_intent_verdict was complete; retry with a larger max_tokens',
      ],
    });
  });

  it('reports a missing, foreign or repeated call', () => {
    expect(
      readProposeFixAnswer({ stopReason: 'end_turn', toolCalls: [] }),
    ).toEqual({
      ok: false,
      problems: ['the answer did not call propose_fix'],
    });
    expect(
      readProposeFixAnswer({
        stopReason: 'tool_use',
        toolCalls: [{ name: 'report_intent_verdict', input: verdict }],
      }),
    ).toEqual({
      ok: false,
      problems: [
        'the answer called report_intent_verdict instead of propose_fix',
      ],
    });
    expect(
      readIntentVerdictAnswer({
        stopReason: 'tool_use',
        toolCalls: [
          { name: 'report_intent_verdict', input: verdict },
          { name: 'report_intent_verdict', input: verdict },
        ],
      }),
    ).toEqual({
      ok: false,
      problems: [
        'the answer called report_intent_verdict 2 times; expected once',
      ],
    });
  });

  it('passes validation problems through', () => {
    const result = readProposeFixAnswer({
      stopReason: 'tool_use',
      toolCalls: [{ name: 'propose_fix', input: { summary: 'x' } }],
    });
    expect(!result.ok && result.problems).toEqual([
      'rootCause: is required',
      'confidence: is required',
      'edits: is required',
      'planDocument: is required',
    ]);
  });
});
