import type { Diagnosis } from '@gort-backstage/plugin-gort-node';

export interface Style {
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

const ansi = (code: string) => (text: string) =>
  `\u001b[${code}m${text}\u001b[0m`;

export const COLOR: Style = {
  bold: ansi('1'),
  red: ansi('31'),
  green: ansi('32'),
  dim: ansi('2'),
};
export const PLAIN: Style = {
  bold: t => t,
  red: t => t,
  green: t => t,
  dim: t => t,
};

/** Human-readable report of one diagnosis; the input must already be redacted. */
export function formatReport(d: Diagnosis, style: Style): string {
  const lines = [
    `${style.red(style.bold(`✖ ${d.category}`))}  ${style.bold(
      d.object,
    )}  ${style.dim(`confidence ${d.confidence.toFixed(2)}`)}`,
    '',
    `${style.bold('Summary:')} ${d.summary}`,
    `${style.bold('Fix:')}     ${d.fix}`,
  ];
  if (d.related.length > 0) {
    lines.push('', style.bold('Related:'), ...d.related.map(r => `  - ${r}`));
  }
  if (d.evidence.length > 0) {
    lines.push('', style.bold('Evidence:'));
    for (const e of d.evidence)
      lines.push(`  ${style.dim(e.source)}`, `    ${e.message}`);
  }
  lines.push('', style.dim(`rule: ${d.rule}`));
  return `${lines.join('\n')}\n`;
}

export function formatHealthy(
  checked: readonly string[],
  style: Style,
): string {
  const list = checked.map(ref => `  - ${ref}`).join('\n');
  return `${style.green(style.bold('✔ No failing Flux objects'))} (${
    checked.length
  } checked)\n${list}\n`;
}
