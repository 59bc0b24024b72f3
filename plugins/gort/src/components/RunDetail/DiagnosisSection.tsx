import { StructuredMetadataTable } from '@backstage/core-components';
import type { RunDiagnosis, RunFailure } from '@gort-backstage/plugin-gort-common';
import Typography from '@material-ui/core/Typography';
import { Section } from '../Section';

export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** What the rules found: category, summary, the fix and how sure they are. */
export function DiagnosisSection(props: {
  diagnosis?: RunDiagnosis;
  failure?: RunFailure;
}) {
  const { diagnosis, failure } = props;
  if (!diagnosis && !failure) {
    return null;
  }
  return (
    <Section title="Diagnosis">
      {diagnosis ? (
        <StructuredMetadataTable
          metadata={{
            Category: <code>{diagnosis.category}</code>,
            Object: diagnosis.object,
            Summary: diagnosis.summary,
            Fix: diagnosis.fix,
            Confidence: formatConfidence(diagnosis.confidence),
            ...(diagnosis.related.length > 0
              ? { Related: diagnosis.related.join(', ') }
              : {}),
          }}
        />
      ) : (
        <Typography variant="body2">Not diagnosed yet.</Typography>
      )}
      {failure && (
        <Typography variant="body2" component="p" style={{ marginTop: 8 }}>
          <strong>{failure.object}</strong>: {failure.reason}: {failure.message}
        </Typography>
      )}
    </Section>
  );
}
