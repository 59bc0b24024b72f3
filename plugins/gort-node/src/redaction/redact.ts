import { applyFindings, Finding, marker, shifted } from './findings';
import { findKeyValues, sensitiveKeyLabel } from './keyValues';
import { findPrivateKeys } from './privateKeys';
import { findStructural } from './structure';
import { findTokens } from './tokens';
import { findUrlPasswords } from './urls';

/** The most text one detector pass looks at; longer input is scanned in overlapping windows. */
export const REDACTION_WINDOW = 1024 * 1024;
/** Longer than any secret we recognise (a PEM key with its body, a JWT), so none is split unseen. */
export const REDACTION_OVERLAP = 64 * 1024;

function findInWindow(text: string): Finding[] {
  return [
    ...findPrivateKeys(text),
    ...findStructural(text),
    ...findTokens(text),
    ...findUrlPasswords(text),
    ...findKeyValues(text),
  ];
}

/**
 * Every stretch of `text` that holds a credential, found by the synchronous
 * detectors (token formats, private keys, URLs, key/value pairs, structure).
 * Linear in the input: each window is at most `REDACTION_WINDOW` long.
 */
export function findSecrets(text: string): Finding[] {
  if (text.length <= REDACTION_WINDOW) return findInWindow(text);
  const out: Finding[] = [];
  for (let start = 0; ; start += REDACTION_WINDOW - REDACTION_OVERLAP) {
    const end = Math.min(text.length, start + REDACTION_WINDOW);
    out.push(...shifted(findInWindow(text.slice(start, end)), start));
    if (end === text.length) return out;
  }
}

/**
 * Removes credentials from free text: tokens of known formats, private keys,
 * passwords in URLs, authorization headers, `secret: value` pairs, env
 * `name`/`value` pairs, `--password` arguments and the data of Secret
 * manifests. Hashes, digests, revisions and names are kept. Run it on the
 * whole text before cutting it to size.
 */
export function redact(text: string): string {
  return applyFindings(text, findSecrets(text));
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
 * string values under secret-looking keys are replaced, env entries
 * (`{name: DB_PASSWORD, value: …}`) lose their value, and Kubernetes Secrets
 * lose their `data` / `stringData` values (keys are kept).
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
  const envLabel =
    typeof record.name === 'string' && typeof record.value === 'string'
      ? sensitiveKeyLabel(record.name)
      : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) {
    if (secret && (key === 'data' || key === 'stringData')) {
      out[key] = blankValues(child);
      continue;
    }
    if (envLabel && key === 'value' && child !== '') {
      out[key] = marker(envLabel);
      continue;
    }
    const label =
      typeof child === 'string' ? sensitiveKeyLabel(key) : undefined;
    out[key] =
      label && child !== '' ? marker(label) : redactValue(child, depth + 1);
  }
  return out;
}
