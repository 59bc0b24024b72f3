/** Checkable expectations read line by line from plan documents. */

export type Expectation =
  | { kind: 'replicas'; count: number }
  | { kind: 'image'; name: string; version: string }
  | {
      kind: 'resource';
      resource: 'memory' | 'cpu';
      bound: 'limits' | 'requests';
      quantity: string;
    }
  | { kind: 'namespace'; namespace: string };

export interface PlanExpectation {
  /** The plan line it was read from, trimmed of Markdown. */
  text: string;
  planPath: string;
  /** The whole plan document, to find which workload it is about. */
  planText: string;
  expectation: Expectation;
}

const NOT_A_NAMESPACE = new Set([
  'a',
  'an',
  'the',
  'for',
  'of',
  'to',
  'in',
  'is',
  'and',
  'or',
  'per',
  'each',
]);

function cleanLine(line: string): string {
  return line
    .replace(/^\s*(?:[-*+]|\d+\.)\s+/, '')
    .replace(/^#+\s*/, '')
    .replace(/[*_`]/g, '')
    .trim();
}

function readLine(line: string): Expectation[] {
  const found: Expectation[] = [];
  const replicas =
    /\b(\d+)\s+replicas?\b/i.exec(line) ??
    /\breplicas?\s*(?:[:=]|of|to|is|are|at)?\s*(\d+)\b/i.exec(line);
  if (replicas) found.push({ kind: 'replicas', count: Number(replicas[1]) });

  const taggedImage = /\bimage\s+["']?([\w./-]+):([\w.*-]+)/i.exec(line);
  const versionedImage =
    /\bimage\s+["']?([\w./-]+?)["']?\s+(?:version\s+|at\s+)?["']?(v?\d+(?:\.(?:\d+|x|\*))*)\b/i.exec(
      line,
    );
  const image = taggedImage ?? versionedImage;
  if (image) found.push({ kind: 'image', name: image[1], version: image[2] });

  for (const match of line.matchAll(
    /\b(memory|cpu)\s+(limit|request)s?\s*(?:of|to|is|at|[:=])?\s*["']?(\d+(?:\.\d+)?(?:[KMGT]i|[kKMGTm])?)\b/gi,
  )) {
    found.push({
      kind: 'resource',
      resource: match[1].toLowerCase() as 'memory' | 'cpu',
      bound: match[2].toLowerCase() === 'limit' ? 'limits' : 'requests',
      quantity: match[3],
    });
  }

  const namespace =
    /\bnamespace\s+["']?([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\b/i.exec(line);
  if (namespace && !NOT_A_NAMESPACE.has(namespace[1].toLowerCase())) {
    found.push({ kind: 'namespace', namespace: namespace[1] });
  }
  return found;
}

export function readPlanExpectations(
  plans: Array<{ path: string; text: string }>,
): PlanExpectation[] {
  const expectations: PlanExpectation[] = [];
  for (const plan of plans) {
    for (const rawLine of plan.text.split('\n')) {
      const text = cleanLine(rawLine);
      if (!text) continue;
      for (const expectation of readLine(text)) {
        expectations.push({
          text: text.slice(0, 300),
          planPath: plan.path,
          planText: plan.text,
          expectation,
        });
      }
    }
  }
  return expectations;
}
