/**
 * Secrets generated at test time from the published shape of each format, so
 * that no real-format token is committed. A seeded generator keeps runs
 * reproducible.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';
const B64URL = `${ALNUM}-_`;
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

export type Random = () => number;
export const chars = (random: Random, alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
/** At least one upper-case letter and one digit, as real keys of these formats have. */
const mixed = (random: Random, alphabet: string, length: number) =>
  `A7${chars(random, alphabet, length - 2)}`;
const join = (...parts: string[]) => parts.join('');
const base64 = (random: Random, bytes: number) =>
  Buffer.from(chars(random, ALNUM, bytes)).toString('base64');

export interface SecretTemplate {
  name: string;
  make(random: Random): string;
}

/** Formats a secret scanner must know on sight. Prefixes are split so the file itself holds none. */
export const TOKEN_TEMPLATES: SecretTemplate[] = [
  { name: 'GitHub classic', make: r => join('gh', 'p_', mixed(r, ALNUM, 36)) },
  { name: 'GitHub OAuth', make: r => join('gh', 'o_', mixed(r, ALNUM, 36)) },
  { name: 'GitHub app', make: r => join('gh', 's_', mixed(r, ALNUM, 36)) },
  { name: 'GitHub fine-grained', make: r => join('github', '_pat_', '11', chars(r, UPPER_ALNUM, 20), '_', chars(r, ALNUM, 59)) },
  { name: 'GitLab', make: r => join('gl', 'pat-', chars(r, B64URL.replace('-', ''), 20)) },
  { name: 'AWS access key id', make: r => join('AK', 'IA', chars(r, UPPER_ALNUM, 16)) },
  { name: 'AWS STS key id', make: r => join('AS', 'IA', chars(r, UPPER_ALNUM, 16)) },
  { name: 'Slack bot', make: r => join('xo', 'xb-', chars(r, '0123456789', 12), '-', chars(r, '0123456789', 13), '-', chars(r, ALNUM, 24)) },
  { name: 'Slack user', make: r => join('xo', 'xp-', chars(r, '0123456789', 12), '-', chars(r, '0123456789', 12), '-', chars(r, ALNUM, 32)) },
  { name: 'Slack webhook', make: r => join('https://hooks.', 'slack.com/services/T', chars(r, UPPER_ALNUM, 10), '/B', chars(r, UPPER_ALNUM, 10), '/', chars(r, ALNUM, 24)) },
  { name: 'npm', make: r => join('np', 'm_', mixed(r, ALNUM, 36)) },
  { name: 'PyPI', make: r => join('py', 'pi-', 'AgEIcHlwaS5vcmc', chars(r, B64URL, 120)) },
  { name: 'Stripe secret', make: r => join('sk', '_live_', mixed(r, ALNUM, 99)) },
  { name: 'Stripe restricted', make: r => join('rk', '_test_', mixed(r, ALNUM, 40)) },
  { name: 'Stripe webhook', make: r => join('wh', 'sec_', mixed(r, ALNUM, 32)) },
  { name: 'age', make: r => join('AGE-', 'SECRET-KEY-1', chars(r, BECH32, 58)) },
  { name: 'GCP API key', make: r => join('AI', 'za', mixed(r, B64URL, 35)) },
  { name: 'GCP OAuth client secret', make: r => join('GOC', 'SPX-', chars(r, B64URL, 28)) },
  { name: 'GCP access token', make: r => join('ya', '29.', chars(r, B64URL, 150)) },
  { name: 'SendGrid', make: r => join('S', 'G.', chars(r, B64URL, 22), '.', chars(r, B64URL, 43)) },
  { name: 'Vault service token', make: r => join('hv', 's.', chars(r, B64URL, 90)) },
  { name: 'Vault batch token', make: r => join('hv', 'b.', chars(r, B64URL, 138)) },
  { name: 'Anthropic', make: r => join('sk-', 'ant-api03-', chars(r, B64URL, 93), 'AA') },
  { name: 'OpenAI project', make: r => join('sk-', 'proj-', mixed(r, B64URL, 120)) },
  { name: 'Docker Hub', make: r => join('dck', 'r_pat_', chars(r, B64URL, 27)) },
  { name: 'Hugging Face', make: r => join('h', 'f_', mixed(r, ALNUM, 34)) },
  { name: 'Shopify', make: r => join('sh', 'pat_', chars(r, HEX, 32)) },
  { name: 'Databricks', make: r => join('da', 'pi', chars(r, HEX, 32)) },
  { name: 'Azure AD client secret', make: r => join(chars(r, ALNUM, 3), '8', 'Q~', chars(r, ALNUM, 31)) },
  { name: 'JWT', make: r => join('ey', 'JhbGciOiJSUzI1NiIsImtpZCI6', chars(r, B64URL, 20), '.ey', 'J', chars(r, B64URL, 300), '.', chars(r, B64URL, 342)) },
  { name: 'Discord webhook', make: r => join('https://discord.com/api/', 'webhooks/', chars(r, '0123456789', 18), '/', chars(r, B64URL, 68)) },
];

/** Secrets recognisable only by where they stand: the value is random text. */
export const CONTEXT_TEMPLATES: { name: string; make(random: Random): { text: string; secret: string } }[] = [
  { name: 'Azure storage connection string', make: r => { const secret = `${base64(r, 64)}`; return { secret, text: `DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey=${secret};EndpointSuffix=core.windows.net` }; } },
  { name: 'Azure Service Bus connection string', make: r => { const secret = base64(r, 32); return { secret, text: `Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${secret}` }; } },
  { name: 'Azure SAS URL', make: r => { const secret = encodeURIComponent(base64(r, 32)); return { secret, text: `GET https://shop.blob.core.windows.net/c/b.tgz?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-02T00:00:00Z&sig=${secret} 403` }; } },
  { name: 'S3 presigned URL', make: r => { const secret = chars(r, HEX, 64); return { secret, text: `fetching https://bucket.s3.amazonaws.com/x.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261201T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=${secret}` }; } },
  { name: 'GCS signed URL', make: r => { const secret = chars(r, HEX, 256); return { secret, text: `https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Date=20261201T000000Z&X-Goog-Expires=600&X-Goog-Signature=${secret}` }; } },
  { name: 'URL password with @ and /', make: r => { const secret = `${chars(r, ALNUM, 6)}@${chars(r, ALNUM, 4)}/${chars(r, ALNUM, 5)}`; return { secret, text: `unable to clone 'https://deploy:${secret}@git.example.org/org/repo.git': authentication required` }; } },
  { name: 'postgres DSN', make: r => { const secret = chars(r, ALNUM, 20); return { secret, text: `DATABASE_URL=postgres://app:${secret}@db.shop.svc:5432/shop?sslmode=require` }; } },
  { name: 'kubeconfig client-key-data', make: r => { const secret = base64(r, 1600); return { secret, text: `users:\n- name: admin\n  user:\n    client-certificate-data: ${base64(r, 40)}\n    client-key-data: ${secret}\n` }; } },
  { name: 'env name/value pair', make: r => { const secret = chars(r, ALNUM, 18); return { secret, text: `    env:\n    - name: DB_PASSWORD\n      value: ${secret}\n    - name: LOG_LEVEL\n      value: debug\n` }; } },
  { name: 'env pair, value first', make: r => { const secret = chars(r, ALNUM, 18); return { secret, text: `        - value: "${secret}"\n          name: API_TOKEN\n` }; } },
  { name: 'env pair in JSON', make: r => { const secret = chars(r, ALNUM, 18); return { secret, text: `"env":[{"name":"STRIPE_SECRET","value":"${secret}"},{"name":"PORT","value":"8080"}]` }; } },
  { name: 'env pair in flow YAML', make: r => { const secret = chars(r, ALNUM, 18); return { secret, text: `env: [{name: SESSION_SECRET, value: ${secret}}]` }; } },
  { name: '--password argument', make: r => { const secret = chars(r, ALNUM, 14); return { secret, text: `exec: mysqladmin --user root --password ${secret} ping` }; } },
  { name: '--token in a YAML args list', make: r => { const secret = chars(r, ALNUM, 30); return { secret, text: `        args:\n        - --token\n        - ${secret}\n        - --verbose\n` }; } },
  { name: '--client-secret in JSON args', make: r => { const secret = chars(r, ALNUM, 30); return { secret, text: `"args":["--client-secret", "${secret}", "--port=8080"]` }; } },
  { name: 'password block scalar', make: r => { const secret = chars(r, ALNUM, 24); return { secret, text: `config:\n  password: |\n    ${secret}\n  user: app\n` }; } },
  { name: 'indented Secret', make: r => { const secret = base64(r, 18); return { secret, text: `  objects:\n    - apiVersion: v1\n      kind: Secret\n      metadata:\n        name: db\n      data:\n        password: ${secret}\n` }; } },
  { name: 'Secret in a kubectl List', make: r => { const secret = base64(r, 18); return { secret, text: `apiVersion: v1\nitems:\n- apiVersion: v1\n  data:\n    token: ${secret}\n  kind: Secret\n  metadata:\n    name: api\n- apiVersion: v1\n  data:\n    mode: prod\n  kind: ConfigMap\nkind: List\n` }; } },
  { name: 'Secret in a diff', make: r => { const secret = base64(r, 18); return { secret, text: `diff --git a/apps/db.yaml b/apps/db.yaml\n@@ -1,6 +1,7 @@\n apiVersion: v1\n kind: Secret\n metadata:\n   name: db\n data:\n-  password: ${base64(r, 10)}\n+  password: ${secret}\n` }; } },
  { name: 'Secret in flow style', make: r => { const secret = base64(r, 18); return { secret, text: `{apiVersion: v1, kind: Secret, metadata: {name: db}, data: {password: ${secret}}}` }; } },
  { name: 'Secret with CRLF', make: r => { const secret = base64(r, 18); return { secret, text: `apiVersion: v1\r\nkind: Secret\r\nmetadata:\r\n  name: db\r\nstringData:\r\n  password: ${secret}\r\n` }; } },
  { name: 'Secret data block scalar', make: r => { const secret = base64(r, 120); return { secret: secret.slice(0, 60), text: `kind: Secret\ndata:\n  tls.key: |\n    ${secret.slice(0, 60)}\n    ${secret.slice(60)}\n` }; } },
  { name: 'Secret as JSON', make: r => { const secret = base64(r, 18); return { secret, text: `{\n    "apiVersion": "v1",\n    "data": {\n        "password": "${secret}"\n    },\n    "kind": "Secret"\n}` }; } },
  { name: 'PEM body without BEGIN line', make: r => { const body = [base64(r, 48), base64(r, 48), base64(r, 30)]; return { secret: body[1], text: `${body.join('\n')}\n-----END RSA PRIVATE KEY-----\nnext log line` }; } },
  { name: 'PEM in a JSON service-account key', make: r => { const body = base64(r, 600); return { secret: body.slice(0, 64), text: `{"type": "service_account", "private_key_id": "${chars(r, HEX, 40)}", "private_key": "-----BEGIN PRIVATE KEY-----\\n${body.match(/.{1,64}/g)!.join('\\n')}\\n-----END PRIVATE KEY-----\\n"}` }; } },
  { name: 'Authorization header', make: r => { const secret = chars(r, B64URL, 40); return { secret, text: `> GET /api HTTP/1.1\n> Authorization: Bearer ${secret}\n` }; } },
  { name: 'Basic auth header', make: r => { const secret = base64(r, 24); return { secret, text: `Authorization: Basic ${secret}` }; } },
  { name: 'Cookie header', make: r => { const secret = chars(r, ALNUM, 40); return { secret, text: `Cookie: session=${secret}; theme=dark` }; } },
];

/** The token formats in the places they turn up: a log line, YAML, JSON, an env dump, a diff. */
export const TOKEN_CONTEXTS: { name: string; wrap(secret: string): string }[] = [
  { name: 'log line', wrap: s => `2026-12-01T10:00:00Z level=error msg="request failed" credential ${s} rejected` },
  { name: 'YAML value', wrap: s => `spec:\n  values:\n    upstream: ${s}\n` },
  { name: 'JSON value', wrap: s => `{"config":{"upstream":"${s}"}}` },
  { name: 'diff line', wrap: s => `@@ -3,2 +3,2 @@\n-  key: old\n+  key: ${s}\n` },
];
