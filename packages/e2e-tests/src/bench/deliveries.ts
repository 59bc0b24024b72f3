import { randomBytes } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { SANDBOX_DEFAULTS } from '@gort-backstage/sandbox';

/** A GitHub push payload with the fields GORT reads (docs.github.com, "push" webhook event). */
export function pushBody(repo: string, after: string, before = randomBytes(20).toString('hex')): string {
  const [owner, name] = repo.split('/');
  return JSON.stringify({
    ref: 'refs/heads/main',
    before,
    after,
    commits: [],
    head_commit: { id: after, message: 'bench', timestamp: new Date().toISOString(), author: { name: 'bench' } },
    repository: { name, full_name: repo, default_branch: 'main', owner: { login: owner } },
  });
}

const PING_BODY = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1, hook: { type: 'Repository', events: ['push'] } });

let counter = 0;

/** Sends one signed delivery; resolves with the status and the time to the answer. */
export async function deliver(
  baseUrl: string,
  event: 'push' | 'ping',
  body: string = PING_BODY,
): Promise<{ status: number; ms: number }> {
  const id = `bench-${process.pid}-${++counter}-${randomBytes(4).toString('hex')}`;
  const signature = await sign(SANDBOX_DEFAULTS.webhookSecret, body);
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/gort/webhook`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-GitHub-Event': event,
      'X-GitHub-Delivery': id,
      'X-Hub-Signature-256': signature,
    },
    body,
  });
  await res.text();
  return { status: res.status, ms: performance.now() - started };
}

/**
 * Pushes to one branch one after another, as a busy branch sees them: each
 * push's `before` is the previous one's `after`, so GORT orders them from
 * the payloads, as it does real pushes, without asking GitHub.
 */
export function followedPush(
  repo: string,
  start = randomBytes(20).toString('hex'),
): { next: () => string; head: () => string } {
  let head = start;
  return {
    next: () => {
      const before = head;
      head = randomBytes(20).toString('hex');
      return pushBody(repo, head, before);
    },
    head: () => head,
  };
}

/** Closed loop: `concurrency` senders back to back for `total` deliveries; deliveries per second. */
export async function saturation(send: () => Promise<{ status: number }>, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const statuses = new Map<number, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        const { status } = await send();
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const bad = [...statuses].filter(([s]) => s >= 300);
  if (bad.length) throw new Error(`unexpected answers: ${JSON.stringify(bad)}`);
  return total / seconds;
}

/**
 * Open loop: one delivery every 1000/rate ms whatever the answers do, so a
 * slow answer delays none of the later sends (no coordinated omission).
 * Latency counts from the planned send time.
 */
export async function openLoop(send: () => Promise<{ status: number }>, ratePerSecond: number, seconds: number): Promise<number[]> {
  const interval = 1000 / ratePerSecond;
  const count = Math.round(ratePerSecond * seconds);
  const start = performance.now() + 50;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const planned = start + i * interval;
    const wait = planned - performance.now();
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
    pending.push(
      send().then(({ status }) => {
        if (status >= 300) throw new Error(`answer ${status}`);
        latencies.push(performance.now() - planned);
      }),
    );
  }
  await Promise.all(pending);
  return latencies;
}
