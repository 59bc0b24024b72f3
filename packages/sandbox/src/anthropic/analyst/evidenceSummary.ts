import { notableLines } from './evidenceSignals';
import { PromptData } from './readPrompt';

/** The analyst's prose answer when no tool is to be called. */
export function summariseEvidence(prompt: PromptData): string {
  if (prompt.blocks.length === 0) {
    return 'I found no GORT data blocks in the prompt, so there is no evidence to summarise.';
  }
  const counts = new Map<string, number>();
  for (const block of prompt.blocks)
    counts.set(block.tag, (counts.get(block.tag) ?? 0) + 1);
  const inventory = [...counts]
    .map(([tag, count]) => `${count} ${tag}`)
    .join(', ');
  const lines = [`The prompt holds ${inventory} block(s).`];

  const diagnosis = prompt.diagnosis;
  if (diagnosis?.category) {
    lines.push(
      `The rules classified the failure as ${diagnosis.category}${
        diagnosis.object ? ` on ${diagnosis.object}` : ''
      }${diagnosis.message ? `: ${diagnosis.message.slice(0, 300)}` : '.'}`,
    );
  }
  const notable = prompt.evidence.flatMap(item =>
    notableLines(item.text, 3).map(line => `- ${item.source}: ${line}`),
  );
  if (notable.length > 0)
    lines.push('Key evidence lines:', ...notable.slice(0, 8));
  const changed = prompt.diff.map(
    file => file.newPath ?? `${file.oldPath} (deleted)`,
  );
  if (changed.length > 0)
    lines.push(`The push changed ${changed.slice(0, 10).join(', ')}.`);
  if (prompt.plans.length > 0) {
    lines.push(
      `Plan documents: ${prompt.plans.map(plan => plan.path).join(', ')}.`,
    );
  }
  return lines.join('\n');
}
