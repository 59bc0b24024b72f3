import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AnalystMode, answerRequest } from './analyst/analyst';
import {
  ApiError,
  apiError,
  errorBody,
  InjectableFailureStatus,
  injectedFailure,
  invalidRequest,
} from './apiErrors';
import { composeResponse } from './composeResponse';
import { modelList, SANDBOX_MODELS } from './models';
import { ResponseDelay, ResponseDelays } from '../responseDelays';
import { countInputTokens } from './tokens';
import { validateMessagesRequest } from './validateMessagesRequest';
import {
  MessagesRequest,
  MessagesResponse,
  SUPPORTED_API_VERSIONS,
} from './wireTypes';

export interface AnthropicServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The only key accepted, in `x-api-key` or as `Authorization: Bearer`. */
  apiKey: string;
  /** Sent in `retry-after` with injected 429s. */
  retryAfterSeconds?: number;
  /** Bodies over this size get 413 `request_too_large` (the real limit is 32 MB). */
  maxBodyBytes?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body was JSON, else the raw text. */
  body: unknown;
  requestId: string;
  receivedAt: string;
  /** The status the sandbox answered with. */
  status?: number;
}

export interface AnthropicServer {
  /** Base URL for `new Anthropic({ baseURL })`. */
  url: string;
  close(): Promise<void>;
  /** Answer the next `count` message requests with this error (after authentication). */
  failNext(status: InjectableFailureStatus, count?: number): void;
  /** Drops failures queued by failNext that were not served yet. */
  clearFailures(): void;
  setMode(mode: AnalystMode): void;
  /**
   * Answers message requests late (`{ slowMs }`) or not at all until reset
   * (`'hang'`), as a slow model or a stuck connection does; `undefined` resets.
   * The real API answers a non-streaming request only once generation ends,
   * so a long generation is a long wait for the whole response.
   */
  setResponseDelay(delay: ResponseDelay | undefined): void;
  /** Message requests hanging now. */
  hangingRequests(): number;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
}

const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

function randomId(prefix: string): string {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  return `${prefix}${Array.from(
    bytes,
    byte => alphabet[byte % alphabet.length],
  ).join('')}`;
}

type BodyRead = { ok: true; text: string } | { ok: false; tooLarge: true };

function readBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(
        tooLarge
          ? { ok: false, tooLarge: true }
          : { ok: true, text: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    request.on('error', reject);
  });
}

function parseJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function headerValue(
  request: IncomingMessage,
  name: string,
): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function startAnthropicServer(
  options: AnthropicServerOptions,
): Promise<AnthropicServer> {
  const requests: RecordedRequest[] = [];
  const pendingFailures: InjectableFailureStatus[] = [];
  let mode: AnalystMode = 'normal';
  const delays = new ResponseDelays();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;

  function send(
    response: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    record.status = status;
    response.writeHead(status, {
      'content-type': 'application/json',
      'request-id': record.requestId,
      ...headers,
    });
    response.end(JSON.stringify(body));
  }

  function sendError(
    response: ServerResponse,
    record: RecordedRequest,
    error: ApiError,
    headers?: Record<string, string>,
  ) {
    send(
      response,
      record,
      error.status,
      errorBody(error, record.requestId),
      headers,
    );
  }

  /** The checks every `/v1` endpoint makes, in the real API's order. */
  function checkHeaders(request: IncomingMessage): ApiError | undefined {
    const bearer = /^Bearer\s+(.+)$/i.exec(
      headerValue(request, 'authorization') ?? '',
    )?.[1];
    const key = headerValue(request, 'x-api-key') || bearer;
    if (!key)
      return apiError(
        401,
        'authentication_error',
        'x-api-key header is required',
      );
    if (key !== options.apiKey)
      return apiError(401, 'authentication_error', 'invalid x-api-key');
    const version = headerValue(request, 'anthropic-version');
    if (!version)
      return invalidRequest('anthropic-version: header is required');
    if (!(SUPPORTED_API_VERSIONS as readonly string[]).includes(version)) {
      return invalidRequest(`anthropic-version: invalid version "${version}"`);
    }
    return undefined;
  }

  function createMessage(request: MessagesRequest): MessagesResponse {
    const answer = answerRequest(request, mode);
    const output = composeResponse(answer, {
      maxTokens: request.max_tokens,
      stopSequences: request.stop_sequences,
      forceTruncation: mode === 'truncate',
      newToolUseId: () => randomId('toolu_'),
    });
    return {
      id: randomId('msg_'),
      type: 'message',
      role: 'assistant',
      model: request.model,
      content: output.content,
      stop_reason: output.stopReason,
      stop_sequence: output.stopSequence,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: countInputTokens(request),
        output_tokens: output.outputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: null,
        server_tool_use: null,
        output_tokens_details: null,
        service_tier: 'standard',
        inference_geo: null,
        speed: null,
      },
    };
  }

  function recordRequest(request: IncomingMessage): RecordedRequest {
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: (request.url ?? '/').split('?')[0],
      headers: { ...request.headers },
      body: undefined,
      requestId: randomId('req_'),
      receivedAt: new Date().toISOString(),
    };
    requests.push(record);
    return record;
  }

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    record: RecordedRequest,
  ): Promise<void> {
    const { method, path } = record;
    const body = await readBody(request, maxBodyBytes);
    if (!body.ok) {
      sendError(
        response,
        record,
        apiError(
          413,
          'request_too_large',
          `Request exceeds the maximum allowed number of bytes (${maxBodyBytes}).`,
        ),
      );
      return;
    }
    const json = body.text.length > 0 ? parseJson(body.text) : undefined;
    record.body = json?.ok ? json.value : body.text;

    const isMessages = path === '/v1/messages';
    const modelMatch = /^\/v1\/models(?:\/([^/]+))?$/.exec(path);
    if (
      !(isMessages && method === 'POST') &&
      !(modelMatch && method === 'GET')
    ) {
      sendError(
        response,
        record,
        apiError(
          404,
          'not_found_error',
          `${method} ${path} is not an endpoint of the sandbox`,
        ),
      );
      return;
    }
    const headerError = checkHeaders(request);
    if (headerError) {
      sendError(response, record, headerError);
      return;
    }
    if (modelMatch) {
      const id = modelMatch[1] && decodeURIComponent(modelMatch[1]);
      const model = id
        ? SANDBOX_MODELS.find(candidate => candidate.id === id)
        : undefined;
      if (id && !model)
        sendError(
          response,
          record,
          apiError(404, 'not_found_error', `model: ${id}`),
        );
      else send(response, record, 200, model ?? modelList());
      return;
    }

    const failure = pendingFailures.shift();
    if (failure) {
      sendError(
        response,
        record,
        injectedFailure(failure),
        failure === 429
          ? { 'retry-after': String(retryAfterSeconds) }
          : undefined,
      );
      return;
    }
    if (!json) {
      sendError(
        response,
        record,
        invalidRequest('The request body is empty; send a JSON object.'),
      );
      return;
    }
    if (!json.ok) {
      sendError(
        response,
        record,
        invalidRequest(`The request body is not valid JSON: ${json.message}`),
      );
      return;
    }
    const validation = validateMessagesRequest(json.value);
    if (!validation.ok) {
      sendError(response, record, validation.error);
      return;
    }
    await delays.wait({ method, path });
    if (response.destroyed) return;
    send(response, record, 200, createMessage(validation.request));
  }

  const server = createServer((request, response) => {
    const record = recordRequest(request);
    handle(request, response, record).catch(error => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendError(
        response,
        record,
        apiError(
          500,
          'api_error',
          `The sandbox failed: ${(error as Error).message}`,
        ),
      );
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const host =
        address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${host}:${address.port}`,
        requests,
        failNext(status, count = 1) {
          for (let i = 0; i < count; i++) pendingFailures.push(status);
        },
        clearFailures() {
          pendingFailures.length = 0;
        },
        setMode(next) {
          mode = next;
        },
        setResponseDelay(delay) {
          delays.set(delay);
        },
        hangingRequests: () => delays.hangingCount,
        close: () =>
          new Promise<void>((done, fail) => {
            delays.releaseAll();
            server.close(error => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
