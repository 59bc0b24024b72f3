import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  /** The raw body, exactly as received (signatures are over these bytes). */
  body: string;
}

/**
 * A local HTTP endpoint that records webhook deliveries. `statusCodes` are
 * answered in order (then 200), to exercise retries.
 */
export async function startWebhookReceiver(statusCodes: number[] = []) {
  const received: ReceivedWebhook[] = [];
  const waiters: Array<() => void> = [];
  const pendingStatuses = [...statusCodes];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(pendingStatuses.shift() ?? 200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      waiters.splice(0).forEach(wake => wake());
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;

  return {
    url,
    received,
    /** Resolves once at least `count` requests arrived (rejects after `timeoutMs`). */
    async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedWebhook[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`Expected ${count} webhooks, got ${received.length}`);
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, 100);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
