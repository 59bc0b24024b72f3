import { redact, REDACTION_WINDOW } from './redact';
import {
  CONTEXT_TEMPLATES,
  seededRandom,
  TOKEN_CONTEXTS,
  TOKEN_TEMPLATES,
} from './__testUtils__/secretTemplates';

const random = seededRandom(14);

const generated = [
  ...TOKEN_TEMPLATES.flatMap(template =>
    TOKEN_CONTEXTS.map(context => {
      const secret = template.make(random);
      return { name: `${template.name} in a ${context.name}`, text: context.wrap(secret), secret };
    }),
  ),
  ...CONTEXT_TEMPLATES.map(template => ({ name: template.name, ...template.make(random) })),
];

describe('redaction corpus: generated secrets', () => {
  it('has at least 100 cases', () => {
    expect(generated.length).toBeGreaterThanOrEqual(100);
  });

  it.each(generated.map(c => [c.name, c] as const))('%s', (_name, { text, secret }) => {
    const result = redact(text);
    expect(result).not.toContain(secret);
    expect(result).toContain('[REDACTED:');
  });

  it('keeps the structure around what it removes', () => {
    const list = CONTEXT_TEMPLATES.find(t => t.name === 'Secret in a kubectl List')!.make(random);
    const result = redact(list.text);
    expect(result).toContain('  data:\n    token: [REDACTED:secret-data]\n  kind: Secret');
    expect(result).toContain('    mode: prod\n  kind: ConfigMap');
    const crlf = redact('kind: Secret\r\nstringData:\r\n  a: b\r\n  c: d\r\nkind2: x\r\n');
    expect(crlf).toBe('kind: Secret\r\nstringData:\r\n  a: [REDACTED:secret-data]\r\n  c: [REDACTED:secret-data]\r\nkind2: x\r\n');
    expect(redact('url: https://deploy:p@ss/w0rd@git.example.org/org/repo')).toBe(
      'url: https://deploy:[REDACTED:url-password]@git.example.org/org/repo',
    );
    expect(redact('env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}\n')).toBe(
      'env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}\n',
    );
  });

  it('redacts a secret in the last 100 bytes of 1 MiB', () => {
    const secret = TOKEN_TEMPLATES[0].make(random);
    const tail = ` token ${secret}\n`;
    const filler = 'I1201 10:00:00.000000 1 controller.go:42] reconciled shop/cart in 3ms\n';
    const head = filler.repeat(Math.ceil(REDACTION_WINDOW / filler.length)).slice(0, REDACTION_WINDOW - tail.length);
    const text = head + tail;
    expect(text.length).toBe(REDACTION_WINDOW);
    expect(text.length - text.indexOf(secret)).toBeLessThan(100);
    const result = redact(text);
    expect(result).not.toContain(secret);
    expect(result.endsWith(` token [REDACTED:github-token]\n`)).toBe(true);
  });

  it('redacts a secret that straddles two windows of a longer input', () => {
    const secret = `-----BEGIN PRIVATE KEY-----\n${'TUlJRXZR'.repeat(400)}\n-----END PRIVATE KEY-----`;
    const before = 'x'.repeat(REDACTION_WINDOW - 1000);
    const result = redact(`${before}\n${secret}\n${'y'.repeat(5000)}`);
    expect(result).not.toContain('TUlJRXZR');
    expect(result).toContain('[REDACTED:private-key]');
  });
});

const LOOK_ALIKES: [string, string][] = [
  ['git SHA-1', 'commit 3f786850e387550fdab836ed7e6dc881de23001b'],
  ['git SHA-256', 'revision main@sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
  ['short SHA', 'fix/cart-a1b2c3d'],
  ['image digest', 'image: ghcr.io/shop/cart@sha256:9b74c9897bac770ffc029102a200c5de6b7d1d1b5b8ec8c0e4b1e3f08d3b8e0a'],
  ['OCI artifact revision', 'Artifact revision: 6.5.1@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['UUID', 'uid: 7c9e6679-7425-40de-944b-e07fc1f90ae7'],
  ['upper-case UUID', 'RequestId: 550E8400-E29B-41D4-A716-446655440000'],
  ['resourceVersion', 'resourceVersion: "4811873"'],
  ['generation fields', 'generation: 7\nobservedGeneration: 7'],
  ['pod template hash', 'pod-template-hash: 7d9f8c6b5'],
  ['Kubernetes names with sk-', 'Deployment/shop/sk-learn-api-7d9f8c6b5-x2x4k'],
  ['ULID', 'trace 01ARZ3NDEKTSV4RRFFQ69G5FAV'],
  ['checksum annotation', 'checksum/config: 01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b'],
  ['secretRef by name', 'secretRef:\n  name: git-credentials'],
  ['secretKeyRef', 'valueFrom:\n  secretKeyRef:\n    name: db\n    key: password'],
  ['env name with valueFrom', '- name: API_TOKEN\n  valueFrom:\n    secretKeyRef: {name: api, key: token}'],
  ['token settings', 'automountServiceAccountToken: false\nexpirationSeconds: 3600'],
  ['password file flag', 'args: ["--password-file=/etc/db/password", "--token-ttl=5m"]'],
  ['ssh public key', 'known_hosts: github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'],
  ['certificate', '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQz\n-----END CERTIFICATE-----'],
  ['public key', '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----'],
  ['client certificate data', 'client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t'],
  ['ConfigMap data', 'kind: ConfigMap\ndata:\n  LOG_LEVEL: debug\n  FEATURE_FLAGS: cart,checkout'],
  ['SSH git URL', "unable to clone 'ssh://git@github.com/shop/infra.git'"],
  ['scp-like git URL', 'git@github.com:shop/infra.git'],
  ['URL with port and @ in path', 'GET https://registry.example.org:8443/v2/app/manifests/app@sha256 404'],
  ['DSN without password', 'connecting to postgres://db.shop.svc:5432/shop'],
  ['Flux revision', 'Applied revision: main@sha1:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b'],
  ['Helm chart version', 'chart: podinfo@6.5.1'],
  ['npm cache setting', 'npm_config_cache=/tmp/.npm'],
  ['sentence about tokens', 'The token secret could not be read: check the secretRef.'],
  ['Flux dependency message', "dependency 'flux-system/infra' is not ready"],
  ['SOPS encrypted value', 'password: ENC[AES256_GCM,data:Tr7o=,iv:1=,tag:k=,type:str]'.replace('password: ', 'note: ')],
  ['Go stack frame', 'goroutine 1 [running]:\nmain.main()\n\t/app/main.go:42 +0x1d'],
  ['base64 ConfigMap binaryData', 'kind: ConfigMap\nbinaryData:\n  logo.png: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'],
];

describe('redaction corpus: look-alikes survive verbatim', () => {
  it('has at least 30 cases', () => {
    expect(LOOK_ALIKES.length).toBeGreaterThanOrEqual(30);
  });
  it.each(LOOK_ALIKES)('%s', (_name, text) => {
    expect(redact(text)).toBe(text);
  });
});

/** Inputs shaped to make a backtracking pattern rescan from every position. */
const HOSTILE: [string, string][] = [
  ['BEGIN lines without END', '-----BEGIN PRIVATE KEY-----'.repeat(40000)],
  ['END lines without BEGIN', `${'QUFB'.repeat(16)}\n-----END PRIVATE KEY-----\n`.repeat(12000)],
  ['almost-JWTs', 'eyJ-'.repeat(250000)],
  ['long JWT-like runs', `eyJ${'a'.repeat(5000)}.`.repeat(200)],
  ['GitHub prefixes', 'ghp_'.repeat(250000)],
  ['bearer words', 'Bearer '.repeat(150000)],
  ['authorization headers', 'Authorization: Bearer\n'.repeat(50000)],
  ['URL user infos', 'https://u:'.repeat(100000)],
  ['URL user infos with one @ at the end', `${'a://b:'.repeat(170000)}@`],
  ['key separators', 'a:'.repeat(500000)],
  ['password keys', 'password='.repeat(110000)],
  ['flags', '--password --token '.repeat(50000)],
  ['Secret kinds', 'kind: Secret\n'.repeat(80000)],
  ['nested Secret kinds', Array.from({ length: 20000 }, (_, i) => `${' '.repeat(i % 200)}kind: Secret`).join('\n')],
  ['data braces', `kind: Secret ${'"data": {'.repeat(100000)}`],
  ['env pairs', 'name: DB_PASSWORD, value: '.repeat(40000)],
  ['env names', '- name: PASSWORD\n'.repeat(60000)],
  ['block scalars', 'password: |\n'.repeat(80000)],
  ['Slack hooks', 'hooks.slack.com/services/'.repeat(40000)],
  ['base64 lines', `${'QUFB'.repeat(16)}\n`.repeat(15000)],
];

/** CPU milliseconds of this process spent in `work` (less sensitive to a loaded machine than wall time). */
function cpuMs(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('redaction stays linear on hostile input', () => {
  it.each(HOSTILE)('%s', (_name, text) => {
    expect(text.length).toBeGreaterThan(500_000);
    const quarter = text.slice(0, Math.floor(text.length / 4));
    redact(quarter);
    const small = Math.min(cpuMs(() => redact(quarter)), cpuMs(() => redact(quarter)));
    const full = cpuMs(() => redact(text));
    // Four times the input: about 4x the work when linear, 16x when quadratic.
    // The floor keeps inputs that take a few milliseconds from measuring noise.
    expect(full).toBeLessThan(Math.max(10 * small, 250));
  });
});
