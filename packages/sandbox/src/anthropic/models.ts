/**
 * Models listed by `GET /v1/models`, named as `@anthropic-ai/sdk` 1.x knows
 * them. Any other `claude-…` id is accepted by `POST /v1/messages` too. The
 * dates are the sandbox's own, not the real release dates.
 */
const SANDBOX_EPOCH = '2026-01-01T00:00:00Z';

/** The output-token ceiling the sandbox applies to every model. */
export const SANDBOX_MAX_OUTPUT_TOKENS = 64_000;

export const SANDBOX_MODELS = [
  { id: 'claude-sonnet-5-5', display_name: 'Claude Sonnet 5.5' },
  { id: 'claude-opus-5-5', display_name: 'Claude Opus 5.5' },
  { id: 'claude-haiku-5-5', display_name: 'Claude Haiku 5.5' },
].map(model => ({
  type: 'model' as const,
  ...model,
  created_at: SANDBOX_EPOCH,
  capabilities: null,
  deprecated_at: null,
  lifecycle: 'active' as const,
  line: null,
  max_input_tokens: 200_000,
  max_tokens: SANDBOX_MAX_OUTPUT_TOKENS,
  retires_at: null,
}));

export function isKnownModel(model: string): boolean {
  return /^claude-[a-z0-9][a-z0-9.-]*$/.test(model);
}

export function maxOutputTokens(_model: string): number {
  return SANDBOX_MAX_OUTPUT_TOKENS;
}

export function modelList() {
  return {
    data: SANDBOX_MODELS,
    has_more: false,
    first_id: SANDBOX_MODELS[0].id,
    last_id: SANDBOX_MODELS[SANDBOX_MODELS.length - 1].id,
  };
}
