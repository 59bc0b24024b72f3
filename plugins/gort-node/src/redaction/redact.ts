import { redactKeyValues, sensitiveKeyLabel } from './keyValues';
import { redactSecretManifests } from './secretManifests';
import { marker, TOKEN_PATTERNS } from './tokens';

/**
 * Removes credentials from free text: tokens of known formats, private keys,
 * passwords in URLs, authorization headers, `secret: value` pairs and the
 * data of Secret manifests. Hashes, digests, revisions and names are kept.
 */
export function redact(text: string): string {
  let result = redactSecretManifests(text);
  for (const { label, pattern, replacement } of TOKEN_PATTERNS) {
    result = result.replace(pattern, replacement ?? marker(label));
  }
  return redactKeyValues(result);
}

const MAX_DEPTH = 64;

function isSecretManifest(value: Record<string, unknown>): boolean {
  return (
    value.kind === 'Secret' &&
    (value.apiVersion === undefined || value.apiVersion === 'v1')
  );
}

function blankValues(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return marker('secret-data');
  return Object.fromEntries(
    Object.keys(data).map(key => [key, marker('secret-data')]),
  );
}

/**
 * Deep redaction of JSON-like data: every string goes through `redact`,
 * string values under secret-looking keys are replaced, and Kubernetes
 * Secrets lose their `data` / `stringData` values (keys are kept).
 */
export function redactObject<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return marker('too-deep');
  if (Array.isArray(value))
    return value.map(item => redactValue(item, depth + 1));
  const record = value as Record<string, unknown>;
  const secret = isSecretManifest(record);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) {
    if (secret && (key === 'data' || key === 'stringData')) {
      out[key] = blankValues(child);
      continue;
    }
    const label =
      typeof child === 'string' ? sensitiveKeyLabel(key) : undefined;
    out[key] =
      label && child !== '' ? marker(label) : redactValue(child, depth + 1);
  }
  return out;
}
