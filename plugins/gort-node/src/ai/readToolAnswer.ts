import {
  IntentVerdictInput,
  PROPOSE_FIX_TOOL_NAME,
  ProposeFixInput,
  REPORT_INTENT_VERDICT_TOOL_NAME,
} from './tools';
import {
  ToolInputValidation,
  validateIntentVerdictInput,
  validateProposeFixInput,
} from './validateToolInput';

/** A provider's answer reduced to what GORT needs: why it stopped and its tool calls. */
export interface ToolAnswer {
  /** Anthropic `stop_reason` (OpenAI's `finish_reason` maps `length` to `max_tokens`). */
  stopReason: string | null;
  toolCalls: Array<{ name: string; input: unknown }>;
}

function readToolAnswer<T>(
  answer: ToolAnswer,
  toolName: string,
  validate: (input: unknown) => ToolInputValidation<T>,
): ToolInputValidation<T> {
  // A call cut at the token limit may parse, but with fields missing or shortened: never use it.
  if (answer.stopReason === 'max_tokens') {
    return {
      ok: false,
      problems: [
        `the answer was cut at max_tokens before ${toolName} was complete; retry with a larger max_tokens`,
      ],
    };
  }
  const calls = answer.toolCalls.filter(call => call.name === toolName);
  if (calls.length === 0) {
    const others = answer.toolCalls.map(call => call.name);
    return {
      ok: false,
      problems: [
        others.length > 0
          ? `the answer called ${others.join(', ')} instead of ${toolName}`
          : `the answer did not call ${toolName}`,
      ],
    };
  }
  if (calls.length > 1) {
    return {
      ok: false,
      problems: [
        `the answer called ${toolName} ${calls.length} times; expected once`,
      ],
    };
  }
  return validate(calls[0].input);
}

export function readProposeFixAnswer(
  answer: ToolAnswer,
): ToolInputValidation<ProposeFixInput> {
  return readToolAnswer(answer, PROPOSE_FIX_TOOL_NAME, validateProposeFixInput);
}

export function readIntentVerdictAnswer(
  answer: ToolAnswer,
): ToolInputValidation<IntentVerdictInput> {
  return readToolAnswer(
    answer,
    REPORT_INTENT_VERDICT_TOOL_NAME,
    validateIntentVerdictInput,
  );
}
