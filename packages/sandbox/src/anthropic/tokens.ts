import { MessagesRequest, RequestContentBlock } from './wireTypes';

/** The sandbox's token estimate: about four characters per token. */
export const CHARS_PER_TOKEN = 4;

/** Images are counted as a flat amount, roughly what a 1000×1000 picture costs. */
const IMAGE_TOKENS = 1_334;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function blockChars(block: RequestContentBlock): number {
  switch (block.type) {
    case 'text':
      return block.text.length;
    case 'tool_use':
      return block.name.length + JSON.stringify(block.input).length;
    case 'tool_result':
      if (typeof block.content === 'string') return block.content.length;
      return (block.content ?? []).reduce(
        (sum, inner) =>
          sum +
          (inner.type === 'text'
            ? inner.text.length
            : IMAGE_TOKENS * CHARS_PER_TOKEN),
        0,
      );
    case 'image':
      return IMAGE_TOKENS * CHARS_PER_TOKEN;
    default:
      return 0;
  }
}

/** Input tokens: system prompt, every message and the tool definitions. */
export function countInputTokens(request: MessagesRequest): number {
  const systemChars =
    typeof request.system === 'string'
      ? request.system.length
      : (request.system ?? []).reduce(
          (sum, block) => sum + block.text.length,
          0,
        );
  const messageChars = request.messages.reduce(
    (sum, message) =>
      sum +
      (typeof message.content === 'string'
        ? message.content.length
        : message.content.reduce(
            (inner, block) => inner + blockChars(block),
            0,
          )),
    0,
  );
  const toolChars = request.tools ? JSON.stringify(request.tools).length : 0;
  return Math.max(
    1,
    Math.ceil((systemChars + messageChars + toolChars) / CHARS_PER_TOKEN),
  );
}
