import OpenAI from 'openai';
import { AiProvider, AiToolRequest, AiToolResponse, AiTurn } from '@gort-backstage/plugin-gort-node';
import { toAiCallError } from './retry';

export interface OpenAiCompatibleProviderOptions {
  /** `openai` for OpenAI, GitHub Models, Groq and the like; `ollama` for Ollama's `/v1`. */
  name: 'openai' | 'ollama';
  baseURL?: string;
  apiKey: string;
  model: string;
  timeoutMs?: number;
}

function toOpenAiTurn(turn: AiTurn): any {
  switch (turn.role) {
    case 'user':
      return { role: 'user', content: turn.text };
    case 'tool_call':
      return {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: turn.id, type: 'function', function: { name: turn.name, arguments: JSON.stringify(turn.input ?? {}) } }],
      };
    default:
      return { role: 'tool', tool_call_id: turn.id, content: turn.text };
  }
}

function parseArguments(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    // Handed on as text: validation then reports that it is not an object.
    return text;
  }
}

/** Any endpoint speaking OpenAI chat completions with function calling. */
export class OpenAiCompatibleProvider implements AiProvider {
  readonly name: string;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(options: OpenAiCompatibleProviderOptions) {
    this.name = options.name;
    this.model = options.model;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 120_000,
    });
  }

  async callTool(request: AiToolRequest): Promise<AiToolResponse> {
    const { prompt } = request;
    const messages: any[] = [
      { role: 'system', content: prompt.system },
      ...prompt.messages.map(m => ({ role: m.role, content: m.content })),
      ...request.followUp.map(toOpenAiTurn),
    ];
    let response: any;
    try {
      response = await this.client.chat.completions.create({
        model: this.model,
        max_tokens: request.maxTokens,
        messages,
        tools: prompt.tools.map(tool => ({
          type: 'function',
          function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
        })),
        tool_choice: { type: 'function', function: { name: prompt.toolChoice.name } },
      } as any);
    } catch (error) {
      throw toAiCallError(error, this.name);
    }
    const choice = response.choices?.[0];
    const calls = (choice?.message?.tool_calls ?? []).filter((call: any) => call.type === 'function' || call.function);
    return {
      answer: {
        stopReason: choice?.finish_reason === 'length' ? 'max_tokens' : choice?.finish_reason ?? null,
        toolCalls: calls.map((call: any) => ({ name: call.function.name, input: parseArguments(call.function.arguments) })),
      },
      toolCallIds: calls.map((call: any) => call.id),
      usage: { input: response.usage?.prompt_tokens ?? 0, output: response.usage?.completion_tokens ?? 0 },
    };
  }
}
