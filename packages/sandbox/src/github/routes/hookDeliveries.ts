import { ApiHandler, json, requireRepo } from '../apiContext';
import { notFound, validationFailed } from '../httpErrors';
import type { Router } from '../router';
import type { WebhookDelivery } from '../webhooks/WebhookDeliverer';

/** What the hook delivery routes need from the sandbox's webhook deliverer. */
export interface HookDeliveries {
  deliveries(): WebhookDelivery[];
  redeliver(id: string): Promise<WebhookDelivery>;
}

/** GitHub keeps a hook's deliveries for 3 days (docs: "Viewing webhook deliveries"). */
const KEPT_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * The REST endpoints for a repository webhook's deliveries
 * (https://docs.github.com/en/rest/repos/webhooks#list-deliveries-for-a-repository-webhook
 * and #redeliver-a-delivery-for-a-repository-webhook), on the deliveries the
 * sandbox sent: newest first, cursor-paged through the `Link` header, each
 * delivery (a redelivery too) with its own numeric `id` and the `guid` of the
 * event (`X-GitHub-Delivery`). `status` is `OK` for a 2xx answer and
 * `Invalid HTTP Response: <code>` otherwise, as GitHub shows it; a redelivery
 * is queued and answered 202, as GitHub does.
 */
export function registerHookDeliveryRoutes(router: Router<ApiHandler>, hooks: HookDeliveries) {
  const forRepo = (request: Parameters<ApiHandler>[0], services: Parameters<ApiHandler>[1]) => {
    const c = requireRepo(services, request.params);
    // Repository hooks are for people with admin access; anonymous callers get GitHub's 404.
    if (!request.principal) throw notFound();
    const hookId = Number(request.params.hook_id);
    const fullName = `${c.owner}/${c.repo}`.toLowerCase();
    const since = Date.now() - KEPT_MS;
    return hooks
      .deliveries()
      .filter(d => d.hookId === hookId && repositoryOf(d) === fullName && d.deliveredAt && Date.parse(d.deliveredAt) >= since);
  };

  router
    .add('GET', '/repos/:owner/:repo/hooks/:hook_id/deliveries', async (request, services) => {
      const all = forRepo(request, services).sort((a, b) => b.number - a.number);
      const perPage = Math.min(Math.max(Number.parseInt(request.url.searchParams.get('per_page') ?? '', 10) || 30, 1), 100);
      const cursor = request.url.searchParams.get('cursor');
      if (cursor !== null && !/^\d+$/.test(cursor)) throw validationFailed([{ resource: 'HookDelivery', code: 'invalid', field: 'cursor' }]);
      const start = cursor === null ? all : all.filter(d => d.number <= Number(cursor));
      const page = start.slice(0, perPage);
      const next = start[perPage];
      const headers: Record<string, string> = {};
      if (next) {
        const url = new URL(request.url.toString());
        url.searchParams.set('per_page', String(perPage));
        url.searchParams.set('cursor', String(next.number));
        headers.link = `<${url.toString()}>; rel="next"`;
      }
      return json(200, page.map(summary), headers);
    })
    .add('POST', '/repos/:owner/:repo/hooks/:hook_id/deliveries/:delivery_id/attempts', async (request, services) => {
      const found = forRepo(request, services).find(d => String(d.number) === request.params.delivery_id);
      if (!found) throw notFound();
      // Queued, as on GitHub: the answer does not wait for the receiver.
      void hooks.redeliver(found.id).catch(() => undefined);
      return json(202, {});
    });
}

function repositoryOf(delivery: WebhookDelivery): string | undefined {
  const name = (delivery.payload as { repository?: { full_name?: unknown } } | null)?.repository?.full_name;
  return typeof name === 'string' ? name.toLowerCase() : undefined;
}

function summary(d: WebhookDelivery) {
  const ok = d.ok;
  return {
    id: d.number,
    guid: d.id,
    delivered_at: d.deliveredAt ? d.deliveredAt.replace(/\.\d{3}Z$/, 'Z') : null,
    redelivery: d.redelivery,
    duration: (d.durationMs ?? 0) / 1000,
    status: deliveryStatus(ok, d.statusCode),
    status_code: d.statusCode ?? 0,
    event: d.event,
    action: (d.payload as { action?: string } | null)?.action ?? null,
    installation_id: null,
    repository_id: (d.payload as { repository?: { id?: number } } | null)?.repository?.id ?? null,
  };
}

/** GitHub's `status` text of a delivery attempt. */
function deliveryStatus(ok: boolean, statusCode: number | undefined): string {
  if (ok) return 'OK';
  return statusCode !== undefined ? `Invalid HTTP Response: ${statusCode}` : 'failed to connect';
}
