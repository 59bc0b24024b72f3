import { Finding } from './findings';

const USERINFO = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s/:@"'<>]{1,256}:/g;
const RUN_END = /[\s"'<>?#]/g;
const PORT = /^[0-9]{1,5}(?:\/|$)/;

/**
 * Passwords in `scheme://user:password@host` URLs. A password may itself hold
 * `@`, `/` or `:`, so it runs to the last `@` before the URL ends (whitespace,
 * a quote, a query); `host:port/path@x` is recognised as a port and left alone.
 */
export function findUrlPasswords(text: string): Finding[] {
  const out: Finding[] = [];
  USERINFO.lastIndex = 0;
  for (let m = USERINFO.exec(text); m; m = USERINFO.exec(text)) {
    const passwordStart = m.index + m[0].length;
    RUN_END.lastIndex = passwordStart;
    const runEnd = RUN_END.exec(text)?.index ?? text.length;
    const at = text.lastIndexOf('@', runEnd - 1);
    if (at < passwordStart) {
      USERINFO.lastIndex = runEnd;
      continue;
    }
    if (PORT.test(text.slice(passwordStart, Math.min(at, passwordStart + 7)))) continue;
    out.push({ start: passwordStart, end: at, label: 'url-password' });
    USERINFO.lastIndex = at + 1;
  }
  return out;
}
