import type { BackendProcess } from './backendProcess';

/** A message as the signals backend sends it to a subscribed connection. */
export interface SignalMessage<T = unknown> {
  channel: string;
  message: T;
}

/**
 * A signals subscriber connected as the browser's signals client
 * (@backstage/plugin-signals `SignalClient`) connects: a WebSocket to the
 * signals plugin's base URL with the user's Backstage token as the
 * sub-protocol, then `{ action: 'subscribe', channel }`.
 */
export class SignalsClient {
  readonly messages: SignalMessage[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', event => {
      try {
        this.messages.push(JSON.parse(String(event.data)) as SignalMessage);
      } catch {
        // not a signal
      }
    });
  }

  /**
   * Connects to `backend` and subscribes to `channel`. The signals backend
   * starts handling WebSocket upgrades on the first upgrade request it sees
   * and leaves that first request unanswered, so an attempt gives up after
   * `attemptMs` and the next one connects (the browser's client retries too).
   */
  static async connect(backend: BackendProcess, token: string, channel: string, timeoutMs = 60_000, attemptMs = 5_000): Promise<SignalsClient> {
    const url = new URL(`${backend.baseUrl}/api/signals`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const deadline = Date.now() + timeoutMs;
    let lastError = 'no attempt';
    while (Date.now() < deadline) {
      const attempt = await openSocket(url.toString(), token, attemptMs);
      if (attempt.socket) {
        const client = new SignalsClient(attempt.socket);
        attempt.socket.send(JSON.stringify({ action: 'subscribe', channel }));
        return client;
      }
      lastError = attempt.error;
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(`could not connect a signals client to ${backend.name}: ${lastError}`);
  }

  /** The messages received on `channel` so far. */
  on<T>(channel: string): T[] {
    return this.messages.filter(m => m.channel === channel).map(m => m.message as T);
  }

  close(): void {
    this.socket.close();
  }
}

/** One connection attempt: the open socket, or why there is none (the socket is closed then). */
function openSocket(url: string, token: string, attemptMs: number): Promise<{ socket?: WebSocket; error: string }> {
  const socket = new WebSocket(url, token);
  return new Promise(resolveAttempt => {
    const timer = setTimeout(() => {
      socket.close();
      resolveAttempt({ error: `no answer to the upgrade within ${attemptMs} ms` });
    }, attemptMs);
    const fail = (error: string) => {
      clearTimeout(timer);
      socket.close();
      resolveAttempt({ error });
    };
    socket.addEventListener('open', () => {
      clearTimeout(timer);
      resolveAttempt({ socket, error: '' });
    }, { once: true });
    socket.addEventListener('error', () => fail('connection error'), { once: true });
    socket.addEventListener('close', event => fail(`closed with ${event.code}`), { once: true });
  });
}
