import type { AiPrompt } from '@gort-backstage/plugin-gort-node';
import type { MessagesRequest } from '../wireTypes';

export const SANDBOX_TEST_MODEL = 'claude-sonnet-5-5';

/** The request GORT's backend sends for a built prompt. */
export function messagesRequest(
  prompt: AiPrompt,
  overrides: Partial<MessagesRequest> = {},
): MessagesRequest {
  return {
    model: SANDBOX_TEST_MODEL,
    max_tokens: 4_096,
    system: prompt.system,
    messages: prompt.messages,
    tools: prompt.tools,
    tool_choice: prompt.toolChoice,
    ...overrides,
  };
}
