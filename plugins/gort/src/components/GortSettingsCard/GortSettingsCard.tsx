import { StructuredMetadataTable } from '@backstage/core-components';
import {
  formatDuration,
  GortEntitySettings,
} from '@internal/plugin-gort-common';
import { Section } from '../Section';

function settingsMetadata(settings: GortEntitySettings) {
  const repo = (r?: { owner: string; repo: string }) =>
    r ? `${r.owner}/${r.repo}` : 'not set';
  return {
    'Pushes from': repo(settings.targetRepo),
    Branch: settings.branch ?? 'default branch',
    'Fix pull requests to': repo(settings.fixRepo),
    Mode: settings.mode,
    'Reconcile timeout': settings.reconcileTimeoutMs
      ? formatDuration(settings.reconcileTimeoutMs)
      : 'backend default',
    'Plan documents': settings.docsPaths.join(', '),
  };
}

/** What the entity's annotations ask GORT to do. */
export function GortSettingsCard(props: { settings: GortEntitySettings }) {
  return (
    <Section title="GORT settings">
      <StructuredMetadataTable metadata={settingsMetadata(props.settings)} />
    </Section>
  );
}
