import { Finding } from './findings';

const SENSITIVE_KEY =
  /(password|passwd|passphrase|pwd|secret|token|apikey|accesskey|accountkey|privatekey|privkey|keydata|clientkey|sessionkey|signingkey|signature|credential|connectionstring|cookie)/;
/** Keys that contain a sensitive word but hold a reference or setting, not the secret itself. */
const REFERENCE_KEY_SUFFIX =
  /(name|names|ref|refs|namespace|path|file|kind|type|selector|mode|ttl|expiry|expires|expiration|seconds|length|count|size|url|uri|endpoint|enabled|version|template|format|field|header|id|algorithm|policy|store|provider)$/;
const EXACT_KEYS: Record<string, string> = { auth: 'auth', sig: 'signature', pass: 'password', pw: 'password' };
const LABELS: Record<string, string> = {
  passwd: 'password',
  passphrase: 'password',
  pwd: 'password',
  apikey: 'api-key',
  accesskey: 'access-key',
  accountkey: 'access-key',
  privatekey: 'private-key',
  privkey: 'private-key',
  keydata: 'private-key',
  clientkey: 'private-key',
  sessionkey: 'key',
  signingkey: 'key',
  connectionstring: 'connection-string',
};
const HARMLESS_VALUE = /^(?:true|false|null|~|\[REDACTED:[a-z-]{1,40}\]|\$\{[A-Za-z0-9_]{1,100}\}|[|>][-+0-9]{0,2})$/i;

/** The label for the marker when `key` names a secret; undefined otherwise. */
export function sensitiveKeyLabel(key: string): string | undefined {
  const compact = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (EXACT_KEYS[compact]) return EXACT_KEYS[compact];
  const found = SENSITIVE_KEY.exec(compact);
  if (!found || REFERENCE_KEY_SUFFIX.test(compact)) return undefined;
  return LABELS[found[1]] ?? found[1];
}

// A key and its separator only: the value is read afterwards, and only for
// sensitive keys, so that non-sensitive pairs cost no more than their key.
const KEY_AND_SEPARATOR = /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,80})["']?[ \t]*[:=][ \t]*/g;
const VALUE = /"[^"\n]{0,16384}"|'[^'\n]{0,16384}'|[^\s"',;&{}[\]]{1,16384}/y;
// `--password hunter2`, `"--token", "abc"` (JSON args) and `- --secret\n- abc` (YAML args).
const FLAG = /(?<![A-Za-z0-9_-])--([A-Za-z][A-Za-z0-9-]{0,60})(?:[ \t]+|["']?[ \t]*,[ \t]*["']?|["']?\r?\n[ \t]*[+-]?[ \t]*-[ \t]+["']?)/g;
const FLAG_VALUE = /[^\s"',\]\-][^\s"',\]]{0,16384}/y;

function valueFinding(text: string, at: number, label: string): Finding | undefined {
  VALUE.lastIndex = at;
  const value = VALUE.exec(text);
  if (!value) return undefined;
  const quoted = value[0][0] === '"' || value[0][0] === "'";
  const bare = quoted ? value[0].slice(1, -1) : value[0];
  if (bare === '' || HARMLESS_VALUE.test(bare)) return undefined;
  // SOPS ciphertext (`ENC[AES256_GCM,data:…]`) is safe to show.
  if (bare === 'ENC' && text[at + 3] === '[') return undefined;
  const start = at + (quoted ? 1 : 0);
  return { start, end: start + bare.length, label };
}

/** Values of `password=…`, `token: …`, `"client_secret": "…"`, `--password …` and similar. */
export function findKeyValues(text: string): Finding[] {
  const out: Finding[] = [];
  KEY_AND_SEPARATOR.lastIndex = 0;
  for (let m = KEY_AND_SEPARATOR.exec(text); m; m = KEY_AND_SEPARATOR.exec(text)) {
    const label = sensitiveKeyLabel(m[1]);
    if (!label) continue;
    const found = valueFinding(text, m.index + m[0].length, label);
    if (found) {
      out.push(found);
      KEY_AND_SEPARATOR.lastIndex = found.end;
    }
  }
  FLAG.lastIndex = 0;
  for (let m = FLAG.exec(text); m; m = FLAG.exec(text)) {
    const label = sensitiveKeyLabel(m[1]);
    if (!label) continue;
    FLAG_VALUE.lastIndex = m.index + m[0].length;
    const value = FLAG_VALUE.exec(text);
    if (value && !HARMLESS_VALUE.test(value[0]))
      out.push({ start: value.index, end: value.index + value[0].length, label });
  }
  return out;
}
