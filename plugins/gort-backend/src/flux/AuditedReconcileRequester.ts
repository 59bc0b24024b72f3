import { AuditorService } from '@backstage/backend-plugin-api';
import { ReconcileRequester } from '../runs/ports';
import { ObjectLocation } from '../runs/judgeRunObject';

/**
 * Records every reconcile request (a patch of Flux objects GORT makes with
 * its own service account) as an audit event `reconcile-request`.
 */
export class AuditedReconcileRequester implements ReconcileRequester {
  constructor(
    private readonly inner: ReconcileRequester,
    private readonly auditor: AuditorService,
  ) {}

  async request(locations: ObjectLocation[], sha: string): Promise<void> {
    const event = await this.auditor.createEvent({
      eventId: 'reconcile-request',
      severityLevel: 'low',
      meta: { sha, objects: locations.map(l => `${l.cluster}:${l.kind}/${l.namespace}/${l.name}`) },
    });
    try {
      await this.inner.request(locations, sha);
      await event.success();
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}
