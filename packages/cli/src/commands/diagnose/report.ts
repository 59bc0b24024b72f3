import type {
  Diagnosis,
  ExplainedRule,
  MessageExplanation,
  ObjectExplanation,
} from '@gort-backstage/plugin-gort-node';

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

function ruleLine(rule: ExplainedRule, style: Style): string {
  return `${style.bold(rule.name)} → ${rule.category} ${style.dim(
    `(confidence ${rule.confidence.toFixed(2)})`,
  )}`;
}

function templateLines(rule: ExplainedRule, indent: string, style: Style) {
  return rule.templates.map(
    t => `${indent}${style.dim('template:')} ${t.source}  "${t.fragment}"`,
  );
}

function formatCondition(c: MessageExplanation, style: Style): string[] {
  const lines = [
    `  ${style.bold(c.source)}${c.reason ? `  reason ${c.reason}` : ''}`,
    `    ${style.dim('message:')} ${c.normalisedMessage || '(empty)'}`,
  ];
  if (c.matched) {
    lines.push(`    ${style.dim('matched:')} ${ruleLine(c.matched, style)}`);
    lines.push(...templateLines(c.matched, '      ', style));
    const captures = Object.entries(c.matched.captures);
    if (captures.length > 0)
      lines.push(
        `      ${style.dim('captured:')} ${captures
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
      );
  } else {
    lines.push(`    ${style.dim('matched:')} no rule (unknown)`);
  }
  if (c.via) {
    lines.push(
      `    ${style.dim('via:')}     ${ruleLine(
        c.via,
        style,
      )} (its quoted error decided)`,
    );
  }
  for (const cand of c.candidates) {
    lines.push(
      `    ${style.dim(
        cand.order === 'before' ? 'not fired:' : 'next:',
      )} ${ruleLine(cand, style)} — ${cand.why}`,
    );
  }
  return lines;
}

/** Human-readable `--explain` output; the input must already be redacted. */
export function formatExplanation(
  objects: readonly ObjectExplanation[],
  style: Style,
): string {
  if (objects.length === 0) return 'No failing Flux objects to explain\n';
  const lines: string[] = [];
  for (const o of objects) {
    if (lines.length > 0) lines.push('');
    lines.push(style.bold(o.object));
    for (const c of o.conditions) lines.push(...formatCondition(c, style));
  }
  return `${lines.join('\n')}\n`;
}
