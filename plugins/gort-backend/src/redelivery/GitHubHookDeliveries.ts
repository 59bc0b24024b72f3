import type { ScmRepositoryRef } from '@gort-backstage/plugin-gort-node';
import type { GitHubClientFactory } from '../scm/github/createGitHubClient';
import type { HookDeliveriesPort } from './FailedDeliveryRedelivery';
import type { HookDelivery } from './selectRedeliveries';

/** At most this many pages (100 deliveries each) are read per hook and check. */
const MAX_PAGES = 20;

/**
 * GitHub's repository hook deliveries API, with the credentials of the
 * matching `integrations.github` entry (the token or App needs admin on the
 * repository, or the App "Webhooks: read and write"):
 * - `GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries` (newest first, cursor-paged)
 *   https://docs.github.com/en/rest/repos/webhooks#list-deliveries-for-a-repository-webhook
 * - `POST /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts`
 *   https://docs.github.com/en/rest/repos/webhooks#redeliver-a-delivery-for-a-repository-webhook
 */
export class GitHubHookDeliveries implements HookDeliveriesPort {
  constructor(private readonly clients: GitHubClientFactory) {}

  async list(ref: ScmRepositoryRef, hookId: number, since: Date): Promise<HookDelivery[]> {
    const octokit = await this.clients.forRepo(ref.owner, ref.repo);
    const found: HookDelivery[] = [];
    let pages = 0;
    for await (const page of octokit.paginate.iterator(octokit.rest.repos.listWebhookDeliveries, { ...ref, hook_id: hookId, per_page: 100 })) {
      for (const d of page.data) {
        found.push({
          id: d.id,
          guid: d.guid,
          deliveredAt: d.delivered_at,
          redelivery: d.redelivery,
          statusCode: d.status_code,
          event: d.event,
        });
      }
      const last = page.data[page.data.length - 1];
      if (!last || Date.parse(last.delivered_at) < since.getTime() || ++pages >= MAX_PAGES) break;
    }
    return found;
  }

  async redeliver(ref: ScmRepositoryRef, hookId: number, deliveryId: number): Promise<void> {
    const octokit = await this.clients.forRepo(ref.owner, ref.repo);
    await octokit.rest.repos.redeliverWebhookDelivery({ ...ref, hook_id: hookId, delivery_id: deliveryId });
  }
}
