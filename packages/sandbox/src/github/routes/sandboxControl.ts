import { ApiHandler, bodyObject, json, optionalString, requiredString } from '../apiContext';
import { notFound, validationFailed } from '../httpErrors';
import type { RateLimitSimulation } from '../rateLimit';
import type { Router } from '../router';
import type { WebhookConfig, WebhookDelivery } from '../webhooks/WebhookDeliverer';

/** Test hooks, also reachable over HTTP under `/_sandbox/` (token required) for out-of-process use. */
export interface SandboxControl {
  simulateRateLimit(simulation: RateLimitSimulation): void;
  deliveries(): WebhookDelivery[];
  redeliver(id: string): Promise<WebhookDelivery>;
  setWebhook(webhook: WebhookConfig | undefined): void;
  waitForDeliveries(): Promise<void>;
}

export function registerSandboxControlRoutes(router: Router<ApiHandler>, control: SandboxControl) {
  router
    .add('POST', '/_sandbox/rate-limit', async request => {
      const body = bodyObject(request.body);
      const count = body.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw validationFailed([{ resource: 'RateLimit', code: 'invalid', field: 'count' }]);
      }
      const kind = optionalString(body, 'kind', 'RateLimit');
      const status = body.status;
      const retryAfterSeconds = body.retryAfterSeconds;
      if (kind !== undefined && kind !== 'primary' && kind !== 'secondary') {
        throw validationFailed([{ resource: 'RateLimit', code: 'invalid', field: 'kind' }]);
      }
      if (status !== undefined && status !== 403 && status !== 429) {
        throw validationFailed([{ resource: 'RateLimit', code: 'invalid', field: 'status' }]);
      }
      if (retryAfterSeconds !== undefined && (typeof retryAfterSeconds !== 'number' || retryAfterSeconds < 0)) {
        throw validationFailed([{ resource: 'RateLimit', code: 'invalid', field: 'retryAfterSeconds' }]);
      }
      control.simulateRateLimit({ count, kind, status, retryAfterSeconds } as RateLimitSimulation);
      return { status: 204 };
    })
    .add('PUT', '/_sandbox/webhook', async request => {
      const body = bodyObject(request.body);
      const url = requiredString(body, 'url', 'Hook');
      const secret = requiredString(body, 'secret', 'Hook');
      if (!URL.canParse(url)) throw validationFailed([{ resource: 'Hook', code: 'invalid', field: 'url' }]);
      control.setWebhook({ url, secret });
      return { status: 204 };
    })
    .add('DELETE', '/_sandbox/webhook', async () => {
      control.setWebhook(undefined);
      return { status: 204 };
    })
    .add('GET', '/_sandbox/webhook/deliveries', async () => {
      await control.waitForDeliveries();
      return json(200, control.deliveries().map(({ body: _body, ...summary }) => summary));
    })
    .add('POST', '/_sandbox/webhook/deliveries/:id/redeliver', async request => {
      if (!control.deliveries().some(delivery => delivery.id === request.params.id)) throw notFound();
      const { body: _body, ...summary } = await control.redeliver(request.params.id);
      return json(200, summary);
    });
}
