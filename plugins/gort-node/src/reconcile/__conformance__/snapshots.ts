import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { isKubeObject, KubeObject } from '../../kube/objects';

/** One conformance snapshot (format: README.md in this folder). */
export interface ConformanceSnapshot {
  id: string;
  file: string;
  description: string;
  provenance: Array<{ kind: 'issue' | 'upstream-test' | 'upstream-code'; ref: string }>;
  verbatim: boolean;
  flux?: string;
  sha: string;
  watched: string;
  objects: KubeObject[];
  /** The objects parsed from `objects` (completed), without the companions. */
  posted: KubeObject[];
  /** The objects' text as stored (verbatim dumps stay byte-for-byte). */
  objectsText: string;
  /** Fields added to posted documents that left them out (`complete`), by document index. */
  complete: Array<{ index: number; field?: string; fill: Record<string, unknown> }>;
  /** Keys of `complete` that contradict a value the posted document shows (must be empty). */
  conflicts: string[];
  context?: { manifestAppliedAtSha?: boolean; branch?: string };
  expect: {
    verdict: string;
    reason?: string;
    category?: string;
    alsoAccepted?: string[];
    health?: 'healthy' | 'applied';
    because?: string;
    waitingOn?: string;
  };
  sandboxScenario?: string;
  /** The diagnosis rules do not find `expect.category` yet (why); the test expects that to fail. */
  diagnosisPending?: string;
}

// eslint-disable-next-line no-restricted-syntax -- test data read next to this module, never packed
export const SNAPSHOT_DIR = path.join(__dirname, 'snapshots');

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Adds the fields of `fill` that `doc` lacks; records any that would change a value `doc` shows. */
function addMissing(doc: Record<string, unknown>, fill: Record<string, unknown>, at: string, conflicts: string[]) {
  for (const [key, value] of Object.entries(fill)) {
    const where = `${at}.${key}`;
    if (!(key in doc)) doc[key] = value;
    else if (isPlainObject(doc[key]) && isPlainObject(value)) addMissing(doc[key] as Record<string, unknown>, value, where, conflicts);
    else if (JSON.stringify(doc[key]) !== JSON.stringify(value)) conflicts.push(where);
  }
}

/**
 * Whether a document is a `kubectl get -o yaml` list: `kind: List`, or a list whose posted text
 * ends before its closing `kind: List` line (kubectl prints `apiVersion: v1`, `items:`, then `kind`).
 */
function isList(value: Record<string, unknown>): boolean {
  if (!Array.isArray(value.items)) return false;
  return value.kind === 'List' || (value.kind === undefined && value.apiVersion === 'v1');
}

/** The documents of a YAML stream, with list items unpacked. */
function documents(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text)
    .flatMap(doc => {
      const value = doc.toJS({ maxAliasCount: 100 });
      return isPlainObject(value) && isList(value) ? (value.items as unknown[]) : [value];
    })
    .filter(isPlainObject);
}

export function loadSnapshot(file: string): ConformanceSnapshot {
  const raw = parse(fs.readFileSync(file, 'utf8')) ?? {};
  const objectsText = typeof raw.objects === 'string' ? raw.objects : '';
  const complete = Array.isArray(raw.complete) ? raw.complete : [];
  const docs = documents(objectsText);
  const conflicts: string[] = [];
  for (const { index, field, fill } of complete) {
    if (!docs[index]) continue;
    // A posted fragment of one field (a thread often shows only `status:`'s content).
    if (typeof field === 'string') docs[index] = { [field]: docs[index] };
    if (isPlainObject(fill)) addMissing(docs[index], fill, `objects[${index}]`, conflicts);
  }
  const companions = typeof raw.companions === 'string' ? documents(raw.companions) : [];
  return {
    ...raw,
    file: path.basename(file),
    sha: String(raw.sha ?? ''),
    provenance: Array.isArray(raw.provenance) ? raw.provenance : [],
    verbatim: raw.verbatim === true,
    objectsText,
    complete,
    conflicts,
    objects: [...docs, ...companions].filter(isKubeObject) as KubeObject[],
    posted: docs.filter(isKubeObject) as KubeObject[],
    expect: raw.expect ?? {},
  };
}

export function loadSnapshots(dir: string = SNAPSHOT_DIR): ConformanceSnapshot[] {
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(f => loadSnapshot(path.join(dir, f)));
}

/** Every condition reason in the objects (for the upstream-reasons check). */
export function conditionReasons(objects: KubeObject[]): string[] {
  return objects.flatMap(o =>
    Array.isArray(o.status?.conditions)
      ? o.status.conditions.map((c: { reason?: unknown }) => c?.reason).filter((r: unknown): r is string => typeof r === 'string')
      : [],
  );
}
