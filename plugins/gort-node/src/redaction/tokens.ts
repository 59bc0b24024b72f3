import { Finding, regexFindings } from './findings';

/**
 * Credential formats recognisable on their own, in any text.
 *
 * Every pattern starts with a look-behind that excludes its own body's
 * characters, so candidate starts never fall inside a run an earlier attempt
 * already scanned: the cost stays linear in the input, whatever it holds.
 * Bodies are bounded classes without nested quantifiers.
 */
export interface TokenPattern {
  label: string;
  /** Global, with the `d` flag so that `group` has offsets. */
  pattern: RegExp;
  /** The group holding the secret; 0 (the whole match) by default. */
  group?: number;
}

const B = '(?<![A-Za-z0-9_-])';
const token = (label: string, source: string, flags = 'gd', group = 0): TokenPattern => ({
  label,
  pattern: new RegExp(source, flags),
  group,
});

export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  token(
    'authorization',
    `${B}authorization["']?[ \\t]*[:=][ \\t]*["']?(?:bearer|basic|token|digest|negotiate)[ \\t]+([A-Za-z0-9._~+/=-]{4,4096})`,
    'gid',
    1,
  ),
  token('bearer-token', `${B}bearer[ \\t]+([A-Za-z0-9._~+/-]{16,4096}=*)`, 'gid', 1),
  token('cookie', `${B}(?:set-)?cookie[ \\t]*:[ \\t]*([^\\r\\n]{1,4096})`, 'gid', 1),
  token(
    'jwt',
    `(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{8,4096}\\.eyJ[A-Za-z0-9_-]{8,8192}\\.[A-Za-z0-9_-]{8,4096}`,
  ),
  token(
    'github-token',
    `${B}(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255})`,
  ),
  token('gitlab-token', `${B}gl(?:pat|dt|rt|ptt|ft|cbt|soat|agent)-[A-Za-z0-9_-]{20,255}`),
  token('anthropic-key', `${B}sk-ant-[A-Za-z0-9_-]{20,255}`),
  // OpenAI keys are mixed-case base62; the look-ahead keeps lower-case
  // Kubernetes names that happen to start with "sk-" intact.
  token(
    'openai-key',
    `${B}sk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]{0,255}[A-Z])[A-Za-z0-9_-]{20,255}`,
  ),
  token('slack-token', `${B}xox[abposre]-[A-Za-z0-9-]{10,255}`),
  token(
    'slack-webhook',
    `hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/-]{16,255})`,
    'gd',
    1,
  ),
  token(
    'discord-webhook',
    `discord(?:app)?\\.com/api/webhooks/([0-9]{5,30}/[A-Za-z0-9_-]{20,255})`,
    'gd',
    1,
  ),
  token(
    'teams-webhook',
    `\\.webhook\\.office\\.com/webhookb2/([A-Za-z0-9@/_-]{20,512})`,
    'gd',
    1,
  ),
  token('aws-access-key-id', `${B}(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])`),
  token('npm-token', `${B}npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])`),
  token('pypi-token', `${B}pypi-Ag[A-Za-z0-9_-]{60,4096}`),
  token('stripe-key', `${B}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,255}`),
  token('stripe-webhook-secret', `${B}whsec_[A-Za-z0-9+/=]{24,255}`),
  token('age-secret-key', `${B}AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`),
  token('gcp-api-key', `${B}AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])`),
  token('gcp-oauth-secret', `${B}GOCSPX-[A-Za-z0-9_-]{28}`),
  token('gcp-access-token', `${B}ya29\\.[A-Za-z0-9_-]{20,4096}`),
  token('sendgrid-key', `${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}`),
  token('vault-token', `${B}hv[sbr]\\.[A-Za-z0-9_-]{24,512}`),
  token('docker-token', `${B}dckr_pat_[A-Za-z0-9_-]{27,255}`),
  token('huggingface-token', `${B}hf_[A-Za-z0-9]{34,255}`),
  token('shopify-token', `${B}shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}`),
  token('tailscale-key', `${B}tskey-[a-z]{3,10}-[A-Za-z0-9]{10,128}`),
  token('databricks-token', `${B}dapi[a-f0-9]{32}(?:-[0-9]{1,2})?`),
  token('azure-client-secret', `(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}`),
];

/** Findings for every token pattern. */
export function findTokens(text: string): Finding[] {
  return TOKEN_PATTERNS.flatMap(({ label, pattern, group }) =>
    regexFindings(text, pattern, label, group),
  );
}
