import { mockCredentials } from '@backstage/backend-test-utils';
import { sign } from '@octokit/webhooks-methods';
import request from 'supertest';

/** Waits (up to 10 s) until the catalog sync has stored `count` watchers. */
export async function untilWatchers(server: any, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await request(server).get('/api/gort/watchers').set('Authorization', mockCredentials.service.header());
    if (res.body.items?.length === count) return;
    await new Promise(r => setTimeout(r, 50));
  }
}

/**
 * Delivers a GitHub-signed push of `after` to acme/gitops@main and waits
 * (up to 10 s) for the inbox to turn it into runs; throws unless it made
 * `runs` runs.
 */
export async function deliverSignedPush(
  server: any,
  options: { secret: string; after: string; before: string; deliveryId: string; runs: number },
): Promise<void> {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    before: options.before,
    after: options.after,
    commits: [],
    head_commit: { id: options.after, message: 'Bump', timestamp: '2026-12-01T10:00:00Z', author: { name: 'Ada' } },
    repository: { name: 'gitops', full_name: 'acme/gitops', default_branch: 'main', owner: { login: 'acme' } },
  });
  const push = await request(server)
    .post('/api/gort/webhook')
    .set('Content-Type', 'application/json')
    .set('X-GitHub-Event', 'push')
    .set('X-GitHub-Delivery', options.deliveryId)
    .set('X-Hub-Signature-256', await sign(options.secret, body))
    .send(body);
  if (push.status !== 202 || push.body.queued !== options.runs) {
    throw new Error(
      `setup push: expected 202 with ${options.runs} runs, got ${
        push.status
      } ${JSON.stringify(push.body)}`,
    );
  }
  let found = 0;
  for (let i = 0; i < 200 && found < options.runs; i++) {
    if (i > 0) await new Promise(r => setTimeout(r, 50));
    const res = await request(server)
      .get(`/api/gort/commits/${options.after}/runs`)
      .set('Authorization', mockCredentials.service.header());
    found = res.body.items?.length ?? 0;
  }
  if (found !== options.runs)
    throw new Error(
      `setup push: ${found} of ${options.runs} runs appeared in 10 s`,
    );
}
