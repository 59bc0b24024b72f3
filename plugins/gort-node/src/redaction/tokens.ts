/**
 * Credential formats recognisable on their own, in any text. Each pattern is
 * linear (bounded classes, no nested quantifiers): inputs are untrusted logs.
 */
export interface TokenPattern {
  /** Used in the marker: `[REDACTED:<label>]`. */
  label: string;
  pattern: RegExp;
  /** Replacement; `$n` refers to the pattern's groups. Defaults to the marker alone. */
  replacement?: string;
}

export const marker = (label: string) => `[REDACTED:${label}]`;

export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  {
    label: 'private-key',
    // Multi-line. Without an END line (cut off by truncation) the base64 body
    // that follows the BEGIN line is taken instead.
    pattern:
      /-----BEGIN ((?:[A-Z0-9]{1,20} ){0,4})PRIVATE KEY( BLOCK)?-----(?:[\s\S]{0,20000}?-----END \1PRIVATE KEY\2-----|[A-Za-z0-9+/=\s\\:-]{0,20000})/g,
  },
  {
    label: 'url-password',
    pattern:
      /\b([a-z][a-z0-9+.-]{1,20}:\/\/)([^\s/:@]{1,256}):([^\s/@]{1,256})@/gi,
    replacement: `$1$2:${marker('url-password')}@`,
  },
  {
    label: 'authorization',
    pattern:
      /\b(authorization["']?[ \t]*[:=][ \t]*["']?)(bearer|basic|token|digest|negotiate)[ \t]+[A-Za-z0-9._~+/=-]{4,4096}/gi,
    replacement: `$1$2 ${marker('authorization')}`,
  },
  {
    label: 'bearer-token',
    pattern: /\b(bearer)[ \t]+[A-Za-z0-9._~+/-]{16,4096}=*/gi,
    replacement: `$1 ${marker('bearer-token')}`,
  },
  {
    label: 'jwt',
    pattern:
      /\beyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,4096}/g,
  },
  {
    label: 'github-token',
    pattern:
      /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255})\b/g,
  },
  { label: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,255}/g },
  { label: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,255}/g },
  // OpenAI keys are mixed-case base62; the look-ahead keeps lower-case
  // Kubernetes names that happen to start with "sk-" intact.
  {
    label: 'openai-key',
    pattern:
      /\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]{0,255}[A-Z])[A-Za-z0-9_-]{20,255}/g,
  },
  { label: 'slack-token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,255}/g },
  {
    label: 'aws-access-key-id',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
  },
];
