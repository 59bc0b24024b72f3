import { AuditorService } from '@backstage/backend-plugin-api';
import { AuditedReconcileRequester } from './AuditedReconcileRequester';

function recordingAuditor() {
  const events: Array<{ eventId: string; meta?: unknown; outcome?: string }> = [];
  const auditor: AuditorService = {
    createEvent: async options => {
      const entry: { eventId: string; meta?: unknown; outcome?: string } = { eventId: options.eventId, meta: options.meta };
      events.push(entry);
      return {
        success: async () => {
          entry.outcome = 'success';
        },
        fail: async ({ error }) => {
          entry.outcome = `fail: ${error.message}`;
        },
      };
    },
  };
  return { auditor, events };
}

describe('AuditedReconcileRequester', () => {
  const location = { cluster: 'demo', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' };

  it('records each reconcile request with the objects and the commit, and its outcome', async () => {
    const { auditor, events } = recordingAuditor();
    const asked: string[] = [];
    await new AuditedReconcileRequester({ request: async (_l, sha) => void asked.push(sha) }, auditor).request([location], 'abc');
    const failing = new AuditedReconcileRequester({ request: async () => Promise.reject(new Error('forbidden')) }, auditor);
    await expect(failing.request([location], 'def')).rejects.toThrow('forbidden');
    expect(asked).toEqual(['abc']);
    expect(events).toEqual([
      { eventId: 'reconcile-request', meta: { sha: 'abc', objects: ['demo:Kustomization/flux-system/apps'] }, outcome: 'success' },
      { eventId: 'reconcile-request', meta: { sha: 'def', objects: ['demo:Kustomization/flux-system/apps'] }, outcome: 'fail: forbidden' },
    ]);
  });
});
