import type { Config } from '@backstage/config';
import type { AiPrompt } from './promptTypes';
import type { ToolAnswer } from './readToolAnswer';

/**
 * One turn of a tool-use conversation, in provider-neutral form.
 *
 * @public
 */
export type AiTurn =
  | { role: 'user'; text: string }
  | { role: 'tool_call'; id: string; name: string; input: unknown }
  | { role: 'tool_result'; id: string; text: string; isError: boolean };

/** @public */
export interface AiToolRequest {
  prompt: AiPrompt;
  /** Turns after the prompt's own messages (a repair attempt). */
  followUp: AiTurn[];
  maxTokens: number;
}

/** @public */
export interface AiToolResponse {
  answer: ToolAnswer;
  /** Provider ids of the tool calls, in the order of `answer.toolCalls`. */
  toolCallIds: string[];
  usage: { input: number; output: number };
}

/**
 * A model that answers with a forced tool call. GORT adds the cache, the
 * retries (on {@link AiCallError} with `retryable`), the token budget, the
 * validation and the one repair turn around it.
 *
 * @public
 */
export interface AiProvider {
  /** Shown on runs and in metrics, e.g. `anthropic`. */
  readonly name: string;
  readonly model: string;
  callTool(request: AiToolRequest): Promise<AiToolResponse>;
}

/**
 * An error of a provider call; `retryable` for 429, 5xx, 529 and network errors.
 *
 * @public
 */
export class AiCallError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AiCallError';
  }
}

/**
 * Builds an {@link AiProvider} when `gort.ai.provider` names its `id`.
 * Built-ins: `anthropic`, `openai` (any OpenAI-compatible endpoint), `ollama`.
 *
 * @public
 */
export interface GortAiProviderFactory {
  /** The value of `gort.ai.provider` that selects it. */
  readonly id: string;
  /**
   * Called once at backend start when selected.
   * `config` is the `gort.ai.<id>` section (empty when absent); throw
   * naming the key when a setting is missing.
   */
  create(options: { config: Config; timeoutMs: number }): AiProvider;
}
