import Anthropic from '@anthropic-ai/sdk';
import { AiProvider, AiToolRequest, AiToolResponse, AiTurn } from '@gort-backstage/plugin-gort-node';
import { toAiCallError } from './retry';

export interface AnthropicProviderOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  timeoutMs?: number;
}

function toAnthropicMessages(request: AiToolRequest): any[] {
  const messages: any[] = request.prompt.messages.map(m => ({ role: m.role, content: m.content }));
  for (const turn of request.followUp) messages.push(toAnthropicTurn(turn));
  return messages;
}

function toAnthropicTurn(turn: AiTurn): any {
  switch (turn.role) {
    case 'user':
      return { role: 'user', content: turn.text };
    case 'tool_call':
      return { role: 'assistant', content: [{ type: 'tool_use', id: turn.id, name: turn.name, input: turn.input ?? {} }] };
    default:
      return { role: 'user', content: [{ type: 'tool_result', tool_use_id: turn.id, content: turn.text, is_error: turn.isError }] };
  }
}

/** Claude through the Messages API, answering with a forced tool call. */
export class AnthropicProvider implements AiProvider {
  readonly name = 'anthropic';
  readonly model: string;
  private readonly client: Anthropic;

  constructor(options: AnthropicProviderOptions) {
    this.model = options.model;
    // Retries are ours (bounded, observable), not the SDK's.
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 120_000,
    });
  }

  async callTool(request: AiToolRequest): Promise<AiToolResponse> {
    const { prompt } = request;
    let response: any;
    try {
      response = await this.client.messages.create({
        model: this.model,
        max_tokens: request.maxTokens,
        system: prompt.system,
        messages: toAnthropicMessages(request),
        tools: prompt.tools as any,
        tool_choice: prompt.toolChoice,
      } as any);
    } catch (error) {
      throw toAiCallError(error, this.name);
    }
    const toolUses = (response.content ?? []).filter((block: any) => block.type === 'tool_use');
    return {
      answer: {
        stopReason: response.stop_reason ?? null,
        toolCalls: toolUses.map((block: any) => ({ name: block.name, input: block.input })),
      },
      toolCallIds: toolUses.map((block: any) => block.id),
      usage: { input: response.usage?.input_tokens ?? 0, output: response.usage?.output_tokens ?? 0 },
    };
  }
}
