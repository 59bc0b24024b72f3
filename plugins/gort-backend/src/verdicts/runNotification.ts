import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type { Run } from '@gort-backstage/plugin-gort-common';
import { redact } from '@gort-backstage/plugin-gort-node';
import { failureFingerprint } from '../fixpr/fingerprint';
import { isGortFixMerge } from '../fixpr/prContent';
import { conclusionOf } from './verdictMapping';

export const GORT_NOTIFICATION_TOPIC = 'gort';

export interface RunNotification {
  /** What happened, for the severity and the wording. */
  kind: 'failed' | 'timed_out' | 'intent_not_met' | 'fix_merged';
  /** Same watcher and same failure → same fingerprint → one notification, updated. */
  fingerprint: string;
  payload: NotificationPayload;
}

const SEVERITY: Record<RunNotification['kind'], NotificationPayload['severity']> = {
  failed: 'high',
  timed_out: 'high',
  intent_not_met: 'normal',
  fix_merged: 'low',
};

function clip(text: string, max: number): string {
  const clean = redact(text).replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * The Backstage notification a finished run deserves, if any: on failure,
 * timeout or intent not met (saying whether a fix PR was opened), and when
 * the merge of a GORT fix PR applied cleanly. Text is redacted; the scope is
 * per watcher and failure fingerprint, so a repeat updates one notification.
 */
export function notificationFor(run: Run, runUrl: string): RunNotification | undefined {
  if (run.state !== 'done') return undefined;
  const entity = run.entityRef;
  const sha = run.sha.slice(0, 7);
  const fix = run.fixPr && (run.fixPr.status === 'opened' || run.fixPr.status === 'updated') && run.fixPr.url ? run.fixPr : undefined;
  const fixLine = fix ? ` Fix PR #${fix.number ?? ''} ${fix.status === 'opened' ? 'opened' : 'updated'}: ${fix.url}` : '';
  let kind: RunNotification['kind'];
  let message: string;
  if (run.outcome === 'failed' || run.outcome === 'timed_out') {
    kind = run.outcome;
    message = `${run.failure?.object ?? ''} ${run.failure?.reason ?? ''}: ${run.diagnosis?.summary ?? run.failure?.message ?? ''}`;
  } else if (run.outcome === 'succeeded' && run.intentMet === false) {
    kind = 'intent_not_met';
    message = (run.intent?.findings ?? []).filter(f => f.status === 'not_met').map(f => f.expectation).join('; ');
  } else if (run.outcome === 'succeeded' && isGortFixMerge(run.commit?.message ?? '')) {
    kind = 'fix_merged';
    message = 'The merged GORT fix was applied by Flux.';
  } else {
    return undefined;
  }
  const category = run.category ?? (kind === 'intent_not_met' ? 'intent' : 'unknown');
  const fingerprint =
    kind === 'fix_merged'
      ? failureFingerprint(entity, 'fix-merged', '')
      : run.fixPr?.fingerprint ?? failureFingerprint(entity, category, `${run.failure?.object ?? ''} ${run.failure?.reason ?? ''}`);
  const { verdict } = conclusionOf(run);
  return {
    kind,
    fingerprint,
    payload: {
      title: clip(`${entity}: ${kind === 'fix_merged' ? 'fix merged and applied' : verdict} (${sha})`, 200),
      description: clip(`${message}${fixLine}`, 1000),
      link: runUrl,
      severity: SEVERITY[kind],
      topic: GORT_NOTIFICATION_TOPIC,
      scope: `gort:${entity}:${fingerprint}`,
    },
  };
}
