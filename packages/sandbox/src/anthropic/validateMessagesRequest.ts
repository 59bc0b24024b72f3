import { ApiError, apiError, invalidRequest } from './apiErrors';
import { isKnownModel, maxOutputTokens } from './models';
import { MessagesRequest } from './wireTypes';

export type RequestValidation =
  | { ok: true; request: MessagesRequest }
  | { ok: false; error: ApiError };

const KNOWN_FIELDS = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'metadata',
]);

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thrown inside the validator only; turned into a 400 answer at its edge. */
class RequestProblem extends Error {}

function fail(message: string): never {
  throw new RequestProblem(message);
}

function requireString(value: unknown, at: string): string {
  if (value === undefined) fail(`${at}: Field required`);
  if (typeof value !== 'string') fail(`${at}: Input should be a valid string`);
  return value;
}

function checkNumberInRange(
  value: unknown,
  at: string,
  min: number,
  max: number,
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(`${at}: Input should be a valid number`);
  if (value < min)
    fail(`${at}: Input should be greater than or equal to ${min}`);
  if (value > max) fail(`${at}: Input should be less than or equal to ${max}`);
}

function checkTextBlock(block: Json, at: string): void {
  const text = requireString(block.text, `${at}.text`);
  if (text.length === 0) fail(`${at}: text content blocks must be non-empty`);
}

function checkImageBlock(block: Json, at: string): void {
  const source = block.source;
  if (!isObject(source)) fail(`${at}.source: Field required`);
  if (source.type === 'base64') {
    const mediaType = requireString(
      source.media_type,
      `${at}.source.base64.media_type`,
    );
    if (
      !['image/jpeg', 'image/png', 'image/gif', 'image/webp'].includes(
        mediaType,
      )
    ) {
      fail(
        `${at}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`,
      );
    }
    requireString(source.data, `${at}.source.base64.data`);
  } else if (source.type === 'url') {
    requireString(source.url, `${at}.source.url.url`);
  } else {
    fail(
      `${at}.source: Input tag '${String(
        source.type,
      )}' found using 'type' does not match any of the expected tags: 'base64', 'url'`,
    );
  }
}

function checkToolResultBlock(block: Json, at: string): void {
  requireString(block.tool_use_id, `${at}.tool_use_id`);
  if (block.is_error !== undefined && typeof block.is_error !== 'boolean') {
    fail(`${at}.is_error: Input should be a valid boolean`);
  }
  const content = block.content;
  if (content === undefined || typeof content === 'string') return;
  if (!Array.isArray(content))
    fail(`${at}.content: Input should be a valid list`);
  content.forEach((inner, index) => {
    const innerAt = `${at}.content.${index}`;
    if (!isObject(inner))
      fail(`${innerAt}: Input should be a valid dictionary`);
    if (inner.type === 'text') checkTextBlock(inner, innerAt);
    else if (inner.type === 'image') checkImageBlock(inner, innerAt);
    else
      fail(
        `${innerAt}: Input tag '${String(
          inner.type,
        )}' found using 'type' does not match any of the expected tags: 'text', 'image'`,
      );
  });
}

function checkContentBlock(block: unknown, role: string, at: string): void {
  if (!isObject(block)) fail(`${at}: Input should be a valid dictionary`);
  switch (block.type) {
    case 'text':
      checkTextBlock(block, at);
      return;
    case 'image':
      checkImageBlock(block, at);
      return;
    case 'tool_use':
      if (role !== 'assistant')
        fail(`${at}: tool_use blocks may only appear in assistant messages`);
      requireString(block.id, `${at}.id`);
      if (!TOOL_NAME.test(requireString(block.name, `${at}.name`))) {
        fail(`${at}.name: String should match pattern '${TOOL_NAME.source}'`);
      }
      if (!isObject(block.input))
        fail(`${at}.input: Input should be a valid dictionary`);
      return;
    case 'tool_result':
      if (role !== 'user')
        fail(`${at}: tool_result blocks may only appear in user messages`);
      checkToolResultBlock(block, at);
      return;
    default:
      fail(
        `${at}: Input tag '${String(
          block.type,
        )}' found using 'type' does not match any of the expected tags: 'text', 'image', 'tool_use', 'tool_result'`,
      );
  }
}

function blocksOf(content: unknown): Json[] {
  return Array.isArray(content) ? (content as Json[]) : [];
}

function checkMessages(value: unknown): void {
  if (value === undefined) fail('messages: Field required');
  if (!Array.isArray(value)) fail('messages: Input should be a valid list');
  if (value.length === 0) fail('messages: at least one message is required');
  value.forEach((message, index) => {
    const at = `messages.${index}`;
    if (!isObject(message)) fail(`${at}: Input should be a valid dictionary`);
    if (message.role !== 'user' && message.role !== 'assistant') {
      fail(`${at}.role: Input should be 'user' or 'assistant'`);
    }
    const content = message.content;
    const isLast = index === value.length - 1;
    if (content === undefined) fail(`${at}.content: Field required`);
    if (typeof content === 'string') {
      if (content.length === 0 && !(isLast && message.role === 'assistant')) {
        fail(
          `${at}: all messages must have non-empty content except for the optional final assistant message`,
        );
      }
      return;
    }
    if (!Array.isArray(content))
      fail(`${at}.content: Input should be a valid string or list`);
    if (content.length === 0 && !(isLast && message.role === 'assistant')) {
      fail(
        `${at}: all messages must have non-empty content except for the optional final assistant message`,
      );
    }
    content.forEach((block, blockIndex) =>
      checkContentBlock(
        block,
        message.role as string,
        `${at}.content.${blockIndex}`,
      ),
    );
  });
  checkToolResultPairing(combineTurns(value as Json[]));
}

interface Turn {
  role: unknown;
  /** Index of the turn's first message, for error locations. */
  index: number;
  blocks: Json[];
}

/** The API combines consecutive messages of one role into a single turn. */
function combineTurns(messages: Json[]): Turn[] {
  const turns: Turn[] = [];
  messages.forEach((message, index) => {
    const blocks = blocksOf(message.content);
    const last = turns[turns.length - 1];
    if (last && last.role === message.role) last.blocks.push(...blocks);
    else turns.push({ role: message.role, index, blocks: [...blocks] });
  });
  return turns;
}

/** Every tool_use must be answered by a tool_result in the next user turn, and vice versa. */
function checkToolResultPairing(turns: Turn[]): void {
  turns.forEach((turn, index) => {
    if (turn.role !== 'assistant') return;
    const toolUseIds = turn.blocks
      .filter(block => block.type === 'tool_use')
      .map(block => block.id as string);
    const next = turns[index + 1];
    if (toolUseIds.length === 0 || !next) return;
    const answered = new Set(
      next.blocks
        .filter(block => block.type === 'tool_result')
        .map(block => block.tool_use_id as string),
    );
    const missing = toolUseIds.filter(id => !answered.has(id));
    if (missing.length > 0) {
      fail(
        `messages.${
          next.index
        }: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(
          ', ',
        )}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
    }
  });
  turns.forEach((turn, index) => {
    if (turn.role !== 'user') return;
    const previous = index > 0 ? turns[index - 1] : undefined;
    const offered = new Set(
      (previous?.blocks ?? [])
        .filter(block => block.type === 'tool_use')
        .map(block => block.id as string),
    );
    for (const block of turn.blocks) {
      if (
        block.type === 'tool_result' &&
        !offered.has(block.tool_use_id as string)
      ) {
        fail(
          `messages.${
            turn.index
          }: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(
            block.tool_use_id,
          )}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        );
      }
    }
  });
}

function checkSystem(value: unknown): void {
  if (value === undefined || typeof value === 'string') return;
  if (!Array.isArray(value))
    fail('system: Input should be a valid string or list');
  value.forEach((block, index) => {
    const at = `system.${index}`;
    if (!isObject(block)) fail(`${at}: Input should be a valid dictionary`);
    if (block.type !== 'text') fail(`${at}.type: Input should be 'text'`);
    checkTextBlock(block, at);
  });
}

function checkTools(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('tools: Input should be a valid list');
  const names = value.map((tool, index) => {
    const at = `tools.${index}`;
    if (!isObject(tool)) fail(`${at}: Input should be a valid dictionary`);
    const name = requireString(tool.name, `${at}.name`);
    if (!TOOL_NAME.test(name))
      fail(`${at}.name: String should match pattern '${TOOL_NAME.source}'`);
    if (
      tool.description !== undefined &&
      typeof tool.description !== 'string'
    ) {
      fail(`${at}.description: Input should be a valid string`);
    }
    if (tool.input_schema === undefined)
      fail(`${at}.input_schema: Field required`);
    if (!isObject(tool.input_schema))
      fail(`${at}.input_schema: Input should be a valid dictionary`);
    if (tool.input_schema.type !== 'object')
      fail(`${at}.input_schema.type: Input should be 'object'`);
    return name;
  });
  if (new Set(names).size !== names.length)
    fail('tools: Tool names must be unique.');
  return names;
}

function checkToolChoice(value: unknown, toolNames: string[]): void {
  if (value === undefined) return;
  if (!isObject(value)) fail('tool_choice: Input should be a valid dictionary');
  if (!['auto', 'any', 'tool', 'none'].includes(value.type as string)) {
    fail(
      `tool_choice: Input tag '${String(
        value.type,
      )}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`,
    );
  }
  if (
    value.disable_parallel_tool_use !== undefined &&
    typeof value.disable_parallel_tool_use !== 'boolean'
  ) {
    fail(
      `tool_choice.${value.type}.disable_parallel_tool_use: Input should be a valid boolean`,
    );
  }
  if (
    value.type !== 'none' &&
    value.type !== 'auto' &&
    toolNames.length === 0
  ) {
    fail(
      'tool_choice: tool_choice may only be specified while providing tools.',
    );
  }
  if (value.type === 'tool') {
    const name = requireString(value.name, 'tool_choice.tool.name');
    if (!toolNames.includes(name))
      fail(`tool_choice: Tool '${name}' not found in 'tools'.`);
  }
}

function checkBody(body: Json): MessagesRequest {
  for (const key of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(key)) fail(`${key}: Extra inputs are not permitted`);
  }
  const model = requireString(body.model, 'model');
  if (body.max_tokens === undefined) fail('max_tokens: Field required');
  if (
    typeof body.max_tokens !== 'number' ||
    !Number.isInteger(body.max_tokens)
  ) {
    fail('max_tokens: Input should be a valid integer');
  }
  // 0 is valid: it only warms the prompt cache.
  if (body.max_tokens < 0)
    fail('max_tokens: Input should be greater than or equal to 0');
  checkMessages(body.messages);
  checkSystem(body.system);
  const toolNames = checkTools(body.tools);
  checkToolChoice(body.tool_choice, toolNames);
  checkNumberInRange(body.temperature, 'temperature', 0, 1);
  checkNumberInRange(body.top_p, 'top_p', 0, 1);
  if (
    body.top_k !== undefined &&
    (!Number.isInteger(body.top_k) || (body.top_k as number) < 0)
  ) {
    fail('top_k: Input should be a valid non-negative integer');
  }
  if (body.stop_sequences !== undefined) {
    if (!Array.isArray(body.stop_sequences))
      fail('stop_sequences: Input should be a valid list');
    body.stop_sequences.forEach((sequence, index) => {
      if (typeof sequence !== 'string')
        fail(`stop_sequences.${index}: Input should be a valid string`);
      if (sequence.trim() === '')
        fail('stop_sequences: each stop sequence must contain non-whitespace');
    });
  }
  if (body.metadata !== undefined && !isObject(body.metadata))
    fail('metadata: Input should be a valid dictionary');
  if (body.stream !== undefined && typeof body.stream !== 'boolean')
    fail('stream: Input should be a valid boolean');
  if (body.stream === true) {
    fail(
      'stream: streaming is not supported by the sandbox; send the request without stream or with stream: false',
    );
  }
  const limit = maxOutputTokens(model);
  if (isKnownModel(model) && body.max_tokens > limit) {
    fail(
      `max_tokens: ${body.max_tokens} > ${limit}, which is the maximum allowed number of output tokens for ${model}`,
    );
  }
  return body as unknown as MessagesRequest;
}

/** Validates a parsed JSON body like the real API: the first problem found wins. */
export function validateMessagesRequest(body: unknown): RequestValidation {
  if (!isObject(body)) {
    return {
      ok: false,
      error: invalidRequest('Input should be a valid dictionary'),
    };
  }
  try {
    const request = checkBody(body);
    if (!isKnownModel(request.model)) {
      return {
        ok: false,
        error: apiError(404, 'not_found_error', `model: ${request.model}`),
      };
    }
    return { ok: true, request };
  } catch (error) {
    if (error instanceof RequestProblem) {
      return { ok: false, error: invalidRequest(error.message) };
    }
    throw error;
  }
}
