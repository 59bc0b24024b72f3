/** Label and field selectors as the Kubernetes API parses them (pure). */
import { KubeApiError } from './errors';
import { KubeObject } from './types';

export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export type Selector = (obj: KubeObject) => boolean;

const matchAll: Selector = () => true;

/** Splits on commas that are not inside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map(t => t.trim()).filter(t => t.length > 0);
}

function invalid(kind: string, selector: string, why: string): KubeApiError {
  return new KubeApiError(
    'BadRequest',
    `unable to parse requirement: ${kind} selector "${selector}": ${why}`,
  );
}

export function parseLabelSelector(
  selector: string | undefined | null,
): LabelRequirement[] {
  if (!selector) return [];
  return splitTerms(selector).map(term => {
    const setMatch = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (setMatch) {
      const values = setMatch[3]
        .split(',')
        .map(v => v.trim())
        .filter(Boolean);
      return { key: setMatch[1], op: setMatch[2] as 'in' | 'notin', values };
    }
    const eqMatch = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(term);
    if (eqMatch) {
      const op = eqMatch[2] === '!=' ? 'notin' : 'in';
      return { key: eqMatch[1], op, values: [eqMatch[3]] };
    }
    const notExists = /^!\s*([^\s!=()]+)$/.exec(term);
    if (notExists) return { key: notExists[1], op: '!exists' };
    if (/^[^\s!=()]+$/.test(term)) return { key: term, op: 'exists' };
    throw invalid('label', selector, `invalid term "${term}"`);
  });
}

export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      default:
        return false;
    }
  });
}

export interface FieldRequirement {
  path: string;
  negate: boolean;
  value: string;
}

export function parseFieldSelector(
  selector: string | undefined | null,
): FieldRequirement[] {
  if (!selector) return [];
  return splitTerms(selector).map(term => {
    const m = /^([A-Za-z0-9_.\-/]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw invalid('field', selector, `invalid term "${term}"`);
    return { path: m[1], negate: m[2] === '!=', value: m[3] };
  });
}

/** Reads `a.b.c` from an object; numbers and booleans compare as strings like the API does. */
export function fieldValue(obj: unknown, path: string): string {
  let current: any = obj;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = current[part];
  }
  if (current === undefined || current === null) return '';
  return typeof current === 'object'
    ? JSON.stringify(current)
    : String(current);
}

export function matchesFields(
  requirements: FieldRequirement[],
  obj: KubeObject,
): boolean {
  return requirements.every(
    r => (fieldValue(obj, r.path) === r.value) !== r.negate,
  );
}

export function compileSelector(
  labelSelector?: string | null,
  fieldSelector?: string | null,
): Selector {
  const labels = parseLabelSelector(labelSelector);
  const fields = parseFieldSelector(fieldSelector);
  if (labels.length === 0 && fields.length === 0) return matchAll;
  return obj =>
    matchesLabels(labels, obj.metadata?.labels) && matchesFields(fields, obj);
}
