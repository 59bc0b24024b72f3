import { Finding } from './findings';
import { sensitiveKeyLabel } from './keyValues';
import { blockEnd, YamlLine, yamlLines } from './yamlLines';

const SECRET_DATA = 'secret-data';
const SECRET_KIND_VALUE = /^["']?Secret["']?(?:[ \t]+#.*)?$/;
const BLOCK_SCALAR = /^[|>][-+0-9]{0,2}(?:[ \t]+#.*)?$/;
const ANY_SECRET_KIND = /\\?["']?kind\\?["']?[ \t]*:[ \t]*\\?["']?Secret(?![A-Za-z0-9])/;
const FLOW_DATA = /(?<![A-Za-z0-9_])\\?["']?(?:data|stringData)\\?["']?[ \t]*:[ \t]*\{/g;
const ENV_PAIR =
  /(?<![A-Za-z0-9_])(\\?["']?)name\1[ \t]*:[ \t]*(\\?["']?)([A-Za-z_][A-Za-z0-9_.-]{0,252})\2[ \t]*,[ \t]*(\\?["']?)value\4[ \t]*:[ \t]*(?:\\?"((?:[^"\\\n]|\\[^"\n]){0,16384})\\?"|'([^'\n]{0,16384})'|([^,}\s][^,}\n]{0,16384}))/gd;
/** Lines walked around one `kind: Secret` or one env `name:` at most: a bound for hostile input. */
const MAX_WALK = 5000;
const ENV_NEIGHBOURS = 6;

/**
 * Structural findings on YAML, JSON and flow text: the data of Secret
 * objects wherever they appear (indented, in `kubectl` Lists, in diffs, with
 * CRLF), sensitive block scalars, and env `name`/`value` pairs.
 */
export function findStructural(text: string): Finding[] {
  const lines = yamlLines(text);
  const out: Finding[] = [];
  findYamlSecretData(lines, out);
  findYamlEnvPairs(lines, out);
  findSensitiveBlockScalars(lines, out);
  if (ANY_SECRET_KIND.test(text)) findFlowSecretData(text, out);
  findFlowEnvPairs(text, out);
  return out;
}

function findYamlSecretData(lines: readonly YamlLine[], out: Finding[]): void {
  let coveredUntil = -1;
  let coveredCol = -1;
  lines.forEach((line, i) => {
    if (line.key !== 'kind' || !SECRET_KIND_VALUE.test(line.value ?? '')) return;
    const col = line.col;
    if (i <= coveredUntil && col === coveredCol) return;
    const first = objectStart(lines, i, col);
    const last = objectEnd(lines, i, col);
    for (let j = first; j <= last; j++) {
      const candidate = lines[j];
      if (candidate.col === col && (candidate.key === 'data' || candidate.key === 'stringData'))
        redactDataValue(lines, j, out);
    }
    coveredUntil = last;
    coveredCol = col;
  });
}

function objectStart(lines: readonly YamlLine[], index: number, col: number): number {
  let start = index;
  for (let steps = 0; lines[start].dashCol < 0 && start > 0 && steps < MAX_WALK; steps++) {
    const above = lines[start - 1];
    if (above.separator) break;
    if (!above.blank && above.col < col) break;
    start--;
  }
  return start;
}

function objectEnd(lines: readonly YamlLine[], index: number, col: number): number {
  let end = index;
  for (let i = index + 1; i < lines.length && i - index < MAX_WALK; i++) {
    const line = lines[i];
    if (line.separator) break;
    if (line.blank) continue;
    if ((line.dashCol >= 0 && line.dashCol < col) || line.col < col) break;
    end = i;
  }
  return end;
}

function redactDataValue(lines: readonly YamlLine[], index: number, out: Finding[]): void {
  const line = lines[index];
  const value = line.value ?? '';
  const last = blockEnd(lines, index, line.col);
  if (value !== '' && !value.startsWith('#')) {
    if (value === '{}' || value === 'null' || value === '~') return;
    const inner = value.startsWith('{') ? 1 : 0;
    const close = value.endsWith('}') && last === index ? 1 : 0;
    out.push({
      start: line.valueStart! + inner,
      end: last === index ? line.valueStart! + value.length - close : lines[last].end,
      label: SECRET_DATA,
    });
    return;
  }
  let entryCol = -1;
  for (let i = index + 1; i <= last; i++) {
    const entry = lines[i];
    if (entry.blank) continue;
    if (entryCol < 0) entryCol = entry.col;
    if (entry.col === entryCol && entry.key !== undefined) {
      const entryLast = blockEnd(lines, i, entryCol);
      const start = entry.value ? entry.valueStart! : entry.end;
      const end = entryLast > i ? lines[entryLast].end : entry.end;
      if (end > start) out.push({ start, end, label: SECRET_DATA });
      i = entryLast;
      continue;
    }
    out.push({ start: entry.at, end: entry.end, label: SECRET_DATA });
  }
}

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2');
}

function findYamlEnvPairs(lines: readonly YamlLine[], out: Finding[]): void {
  lines.forEach((line, i) => {
    if (line.key !== 'name' || !line.value) return;
    const label = sensitiveKeyLabel(unquote(line.value));
    if (!label) return;
    const neighbour = sibling(lines, i, 'value');
    if (neighbour === undefined) return;
    const valueLine = lines[neighbour];
    const value = valueLine.value ?? '';
    const last = blockEnd(lines, neighbour, valueLine.col);
    if (value === '' && last === neighbour) return;
    out.push({
      start: value === '' ? valueLine.end : valueLine.valueStart!,
      end: last > neighbour ? lines[last].end : valueLine.end,
      label,
    });
  });
}

/** The line of key `key` in the same mapping as `lines[index]`, looking a few lines both ways. */
function sibling(lines: readonly YamlLine[], index: number, key: string): number | undefined {
  const col = lines[index].col;
  for (let i = index + 1; i < lines.length && i - index <= ENV_NEIGHBOURS; i++) {
    const line = lines[i];
    if (line.blank) continue;
    if (line.separator || line.col < col || (line.dashCol >= 0 && line.dashCol < col)) break;
    if (line.col === col && line.key === key) return i;
  }
  for (let i = index; i > 0 && index - i < ENV_NEIGHBOURS; i--) {
    const line = lines[i];
    if (line.dashCol >= 0 && line.dashCol < col) break;
    const above = lines[i - 1];
    if (above.blank) continue;
    if (above.separator || above.col < col) break;
    if (above.col === col && above.key === key) return i - 1;
  }
  return undefined;
}

function findSensitiveBlockScalars(lines: readonly YamlLine[], out: Finding[]): void {
  lines.forEach((line, i) => {
    if (!line.key || !BLOCK_SCALAR.test(line.value ?? '')) return;
    const label = sensitiveKeyLabel(line.key);
    if (!label) return;
    const last = blockEnd(lines, i, line.col);
    if (last > i) out.push({ start: line.valueStart!, end: lines[last].end, label });
  });
}

/** `data: {…}` / `"data": {…}` when a Secret appears in the text; braces are found once each (linear). */
function findFlowSecretData(text: string, out: Finding[]): void {
  let nextClose = -1;
  let nextOpen = -1;
  FLOW_DATA.lastIndex = 0;
  for (let m = FLOW_DATA.exec(text); m; m = FLOW_DATA.exec(text)) {
    const inner = m.index + m[0].length;
    if (nextClose !== Infinity && nextClose < inner) {
      const found = text.indexOf('}', inner);
      nextClose = found < 0 ? Infinity : found;
    }
    if (nextOpen !== Infinity && nextOpen < inner) {
      const found = text.indexOf('{', inner);
      nextOpen = found < 0 ? Infinity : found;
    }
    if (nextClose === Infinity) return;
    if (nextOpen < nextClose) continue;
    out.push({ start: inner, end: nextClose, label: SECRET_DATA });
    FLOW_DATA.lastIndex = nextClose;
  }
}

function findFlowEnvPairs(text: string, out: Finding[]): void {
  ENV_PAIR.lastIndex = 0;
  for (let m = ENV_PAIR.exec(text); m; m = ENV_PAIR.exec(text)) {
    const label = sensitiveKeyLabel(m[3]);
    const group = [5, 6, 7].find(g => m![g] !== undefined);
    const span = group === undefined ? undefined : m.indices?.[group];
    if (label && span && span[1] > span[0]) out.push({ start: span[0], end: span[1], label });
  }
}
