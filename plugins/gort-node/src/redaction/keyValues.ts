import { marker } from './tokens';

const SENSITIVE_KEY =
  /(password|passwd|pwd|secret|token|apikey|accesskey|privatekey|clientsecret|sessionkey|signingkey)/;
/** Keys that contain a sensitive word but hold a reference or setting, not the secret itself. */
const REFERENCE_KEY_SUFFIX =
  /(name|names|ref|refs|namespace|path|file|kind|type|selector|mode|ttl|expiry|expires|expiration|seconds|length|count|size|url|uri|endpoint|enabled|version|template|format|field|header|id)$/;
const LABELS: Record<string, string> = {
  passwd: 'password',
  pwd: 'password',
  clientsecret: 'secret',
  apikey: 'api-key',
  accesskey: 'access-key',
  privatekey: 'private-key',
  sessionkey: 'key',
  signingkey: 'key',
};
const HARMLESS_VALUE = /^(?:true|false|null|~|\[REDACTED:[a-z-]{1,40}\])$/i;

/** The label for the marker when `key` names a secret; undefined otherwise. */
export function sensitiveKeyLabel(key: string): string | undefined {
  const compact = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (compact === 'auth') return 'auth';
  const found = SENSITIVE_KEY.exec(compact);
  if (!found || REFERENCE_KEY_SUFFIX.test(compact)) return undefined;
  return LABELS[found[1]] ?? found[1];
}

// key, separator (with an optional closing quote of a JSON key), then a
// double-quoted, single-quoted or bare value.
const KEY_VALUE =
  /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,80})(["']?[ \t]*[:=][ \t]*)("[^"\n]{1,2000}"|'[^'\n]{1,2000}'|[^\s"',;&{}[\]]{1,2000})/g;

/** Redacts values of `password=…`, `token: …`, `"client_secret": "…"` and similar. */
export function redactKeyValues(text: string): string {
  return text.replace(
    KEY_VALUE,
    (whole, key: string, separator: string, value: string) => {
      const label = sensitiveKeyLabel(key);
      if (!label) return whole;
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      const bare = quote ? value.slice(1, -1) : value;
      if (HARMLESS_VALUE.test(bare) || bare === '|' || bare === '>')
        return whole;
      return `${key}${separator}${quote}${marker(label)}${quote}`;
    },
  );
}
