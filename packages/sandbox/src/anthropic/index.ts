/**
 * A stand-in for the Anthropic Messages API (`POST /v1/messages`,
 * `GET /v1/models`) whose answers come from a deterministic scripted analyst
 * reading GORT's prompt data blocks. Streaming is not supported: a request
 * with `stream: true` gets 400 `invalid_request_error`.
 */
export { startAnthropicServer } from './server';
export type {
  AnthropicServer,
  AnthropicServerOptions,
  RecordedRequest,
} from './server';
export type { AnalystMode } from './analyst/analyst';
export { answerRequest } from './analyst/analyst';
export { ADVERSARIAL_EDIT_PATH } from './analyst/misbehaviour';
export { DANGEROUS_EDITS, withDangerousEdit } from './analyst/dangerousEdits';
export type { DangerousEdit } from './analyst/dangerousEdits';
export type { InjectableFailureStatus } from './apiErrors';
export { CHARS_PER_TOKEN } from './tokens';
