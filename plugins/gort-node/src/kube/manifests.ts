import { parseAllDocuments } from 'yaml';
import { isKubeObject, KubeObject } from './objects';

export class ManifestParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestParseError';
  }
}

/**
 * Reads Kubernetes objects from YAML or JSON text: single documents,
 * multi-document streams and `kind: List` (as `kubectl get -o yaml` prints).
 * Documents that are not Kubernetes objects are ignored; a YAML syntax error
 * throws ManifestParseError.
 */
export function parseManifests(text: string): KubeObject[] {
  const documents = parseAllDocuments(text);
  const docs = Array.isArray(documents) ? documents : [documents];
  const objects: KubeObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      throw new ManifestParseError(
        `invalid YAML: ${first.message.split('\n')[0].replace(/:$/, '')}`,
      );
    }
    // A bounded alias count stops "billion laughs" documents from exploding in memory.
    collectObjects(doc.toJS({ maxAliasCount: 100 }), objects);
  }
  return objects;
}

function collectObjects(value: unknown, into: KubeObject[]): void {
  if (Array.isArray(value)) {
    value.forEach(item => collectObjects(item, into));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (
    typeof record.kind === 'string' &&
    record.kind.endsWith('List') &&
    Array.isArray(record.items)
  ) {
    record.items.forEach(item => collectObjects(item, into));
    return;
  }
  if (isKubeObject(value)) {
    into.push(value);
  }
}
