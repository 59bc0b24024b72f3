/**
 * One delivery of a repository webhook, as GitHub's "List deliveries for a
 * repository webhook" answers it
 * (https://docs.github.com/en/rest/repos/webhooks#list-deliveries-for-a-repository-webhook):
 * `id` is this one attempt (a redelivery has its own), `guid` the event's
 * `X-GitHub-Delivery`, shared by the original and its redeliveries.
 */
export interface HookDelivery {
  id: number;
  guid: string;
  deliveredAt: string;
  redelivery: boolean;
  statusCode: number;
  event: string;
}

export interface RedeliverySelection {
  /** One delivery id per event to redeliver (its newest attempt). */
  redeliver: HookDelivery[];
  /** Events left alone because they were redelivered `maxRedeliveries` times already and still failed. */
  gaveUp: string[];
}

const succeeded = (d: HookDelivery) => d.statusCode >= 200 && d.statusCode < 300;

/**
 * The failed push deliveries worth sending again: delivered at or after
 * `since`, no attempt of the event (original or redelivery) answered 2xx,
 * GORT does not know its guid (a 5xx after GORT stored it, say a timeout,
 * needs nothing), and it has been redelivered fewer than `maxRedeliveries`
 * times (a delivery GORT refuses for good, 400 or 401, is not sent forever).
 * What GitHub's documented redelivery script does, plus the last two checks
 * (docs.github.com/en/webhooks/using-webhooks/automatically-redelivering-failed-deliveries-for-a-repository-webhook).
 */
export function selectRedeliveries(
  deliveries: HookDelivery[],
  options: { since: Date; known: Set<string>; maxRedeliveries: number },
): RedeliverySelection {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const delivery of deliveries) {
    if (delivery.event !== 'push') continue;
    byGuid.set(delivery.guid, [...(byGuid.get(delivery.guid) ?? []), delivery]);
  }
  const redeliver: HookDelivery[] = [];
  const gaveUp: string[] = [];
  for (const [guid, attempts] of byGuid) {
    if (attempts.some(succeeded) || options.known.has(guid)) continue;
    const original = attempts.find(a => !a.redelivery);
    // Only events of the window: the original is listed (or, if it fell out, the oldest attempt is in it).
    const first = original ?? attempts.reduce((a, b) => (Date.parse(a.deliveredAt) <= Date.parse(b.deliveredAt) ? a : b));
    if (!(Date.parse(first.deliveredAt) >= options.since.getTime())) continue;
    if (attempts.filter(a => a.redelivery).length >= options.maxRedeliveries) {
      gaveUp.push(guid);
      continue;
    }
    redeliver.push(attempts.reduce((a, b) => (a.id >= b.id ? a : b)));
  }
  return { redeliver: redeliver.sort((a, b) => a.id - b.id), gaveUp };
}
