import { CodeSnippet } from '@backstage/core-components';
import type { RunEvidenceItem } from '@gort-backstage/plugin-gort-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Section } from '../Section';

/** Log excerpts and other multi-line output read best in a monospace viewer. */
export function isMonospaceEvidence(item: RunEvidenceItem): boolean {
  return /^logs?\b/i.test(item.source) || item.message.includes('\n');
}

/** Conditions, events, pod states and log excerpts, as the backend redacted them. */
export function EvidenceSection(props: { evidence: RunEvidenceItem[] }) {
  const { evidence } = props;
  if (evidence.length === 0) {
    return null;
  }
  return (
    <Section title="Evidence">
      {evidence.map((item, index) => (
        <Box
          key={`${item.source}-${index}`}
          mb={2}
          component="section"
          aria-label={item.source}
        >
          <Typography variant="subtitle2" component="h3">
            {item.source}
          </Typography>
          {isMonospaceEvidence(item) ? (
            <CodeSnippet text={item.message} language="text" showLineNumbers />
          ) : (
            <Typography variant="body2">{item.message}</Typography>
          )}
        </Box>
      ))}
    </Section>
  );
}
