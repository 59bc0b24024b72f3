import { CHARS_PER_TOKEN } from './tokens';
import { ResponseContentBlock, StopReason } from './wireTypes';

/** What the analyst would say given unlimited tokens. */
export type AnswerBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown> };

export interface AnalystAnswer {
  blocks: AnswerBlock[];
}

export interface ComposeOptions {
  maxTokens: number;
  stopSequences?: string[];
  /** Cut the answer at half its length (capped by maxTokens), as if max_tokens had been too small. */
  forceTruncation?: boolean;
  newToolUseId: () => string;
}

export interface ComposedOutput {
  content: ResponseContentBlock[];
  stopReason: StopReason;
  stopSequence: string | null;
  outputTokens: number;
}

function blockChars(block: AnswerBlock): number {
  return block.type === 'text'
    ? block.text.length
    : JSON.stringify(block.input).length;
}

function toContent(
  block: AnswerBlock,
  newToolUseId: () => string,
): ResponseContentBlock {
  return block.type === 'text'
    ? textContent(block.text)
    : toolUseContent(newToolUseId(), block.name, block.input);
}

function textContent(text: string): ResponseContentBlock {
  return { type: 'text', text, citations: null };
}

function toolUseContent(
  id: string,
  name: string,
  input: Record<string, unknown>,
): ResponseContentBlock {
  return { type: 'tool_use', id, name, input, caller: { type: 'direct' } };
}

/**
 * The leading top-level properties of `input` whose JSON fits in `chars`:
 * what a tool call cut off mid-generation amounts to once parsed.
 */
export function partialToolInput(
  input: Record<string, unknown>,
  chars: number,
): Record<string, unknown> {
  const partial: Record<string, unknown> = {};
  let used = 2; // the braces
  for (const [key, value] of Object.entries(input)) {
    const cost =
      JSON.stringify(key).length + 1 + JSON.stringify(value).length + 1;
    if (used + cost > chars) break;
    partial[key] = value;
    used += cost;
  }
  return partial;
}

function applyStopSequences(
  blocks: AnswerBlock[],
  stopSequences: string[],
): { blocks: AnswerBlock[]; stopSequence: string | null } {
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index];
    if (block.type !== 'text') continue;
    let earliest: { at: number; sequence: string } | undefined;
    for (const sequence of stopSequences) {
      const at = block.text.indexOf(sequence);
      if (at >= 0 && (!earliest || at < earliest.at))
        earliest = { at, sequence };
    }
    if (earliest) {
      const kept = blocks.slice(0, index);
      const text = block.text.slice(0, earliest.at);
      if (text.length > 0) kept.push({ type: 'text', text });
      return { blocks: kept, stopSequence: earliest.sequence };
    }
  }
  return { blocks, stopSequence: null };
}

/**
 * Turns an answer into response content under the request's limits.
 *
 * When the answer is longer than `max_tokens` (4 characters a token) the
 * output is cut where the budget runs out and `stop_reason` is `max_tokens`,
 * with `output_tokens` equal to the budget:
 * - a text block is cut mid-text;
 * - a tool call the budget reaches into is still emitted as a `tool_use`
 *   block, but its `input` holds only the leading top-level properties that
 *   fitted completely (possibly `{}`), so required fields are missing;
 * - blocks after the cut are omitted (a tool call the budget never reached
 *   does not appear at all).
 * Stop sequences end a text block where they first occur (`stop_sequence`).
 * `max_tokens: 0` generates nothing: empty content, `max_tokens`, 0 tokens.
 */
export function composeResponse(
  answer: AnalystAnswer,
  options: ComposeOptions,
): ComposedOutput {
  const stopped = applyStopSequences(
    answer.blocks,
    options.stopSequences ?? [],
  );
  const blocks = stopped.blocks;
  const fullChars = blocks.reduce((sum, block) => sum + blockChars(block), 0);
  const fullTokens = Math.max(1, Math.ceil(fullChars / CHARS_PER_TOKEN));
  // max_tokens 0 only warms the prompt cache: nothing is generated.
  if (options.maxTokens === 0) {
    return {
      content: [],
      stopReason: 'max_tokens',
      stopSequence: null,
      outputTokens: 0,
    };
  }
  const budgetTokens = options.forceTruncation
    ? Math.min(options.maxTokens, Math.max(1, Math.floor(fullTokens / 2)))
    : options.maxTokens;

  if (fullTokens <= budgetTokens && !options.forceTruncation) {
    const hasToolUse = blocks.some(block => block.type === 'tool_use');
    let stopReason: StopReason = hasToolUse ? 'tool_use' : 'end_turn';
    if (stopped.stopSequence) stopReason = 'stop_sequence';
    return {
      content: blocks.map(block => toContent(block, options.newToolUseId)),
      stopReason,
      stopSequence: stopped.stopSequence,
      outputTokens: fullTokens,
    };
  }

  const content: ResponseContentBlock[] = [];
  let remaining = budgetTokens * CHARS_PER_TOKEN;
  for (const block of blocks) {
    if (remaining <= 0) break;
    const chars = blockChars(block);
    if (chars <= remaining) {
      content.push(toContent(block, options.newToolUseId));
      remaining -= chars;
      continue;
    }
    content.push(
      block.type === 'text'
        ? textContent(block.text.slice(0, remaining))
        : toolUseContent(
            options.newToolUseId(),
            block.name,
            partialToolInput(block.input, remaining),
          ),
    );
    break;
  }
  return {
    content,
    stopReason: 'max_tokens',
    stopSequence: null,
    outputTokens: budgetTokens,
  };
}
