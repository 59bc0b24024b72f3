import { StructuredMetadataTable } from '@backstage/core-components';
import type { RunAiAnalysis } from '@gort-backstage/plugin-gort-common';
import Alert from '@material-ui/lab/Alert';
import { Section } from '../Section';
import { formatConfidence } from './DiagnosisSection';

/** What the AI made of the failure, or why it could not help. */
export function AiSection(props: { ai?: RunAiAnalysis }) {
  const { ai } = props;
  if (!ai) {
    return null;
  }
  return (
    <Section title="AI analysis">
      {ai.error && (
        <Alert severity="warning" style={{ marginBottom: 8 }}>
          The AI could not be used, the rules' diagnosis stands: {ai.error}
        </Alert>
      )}
      <StructuredMetadataTable
        metadata={{
          Model: `${ai.provider} / ${ai.model}`,
          Tokens: `${ai.tokens.input} in, ${ai.tokens.output} out`,
          ...(ai.summary ? { Summary: ai.summary } : {}),
          ...(ai.rootCause ? { 'Root cause': ai.rootCause } : {}),
          ...(ai.confidence !== undefined
            ? { Confidence: formatConfidence(ai.confidence) }
            : {}),
        }}
      />
    </Section>
  );
}
