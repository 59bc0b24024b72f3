import { redact, redactObject } from './redact';

// Sample credentials are assembled at runtime so that no scanner mistakes this file for a leak.
const ghp = `ghp_${'A1b2C3d4E5'.repeat(3)}xY9z12`;
const githubPat = `github_pat_11ABCDEFG0${'aB3dE6gH9j'.repeat(6)}`;
const glpat = `glpat-${'xY7zW2vU1t'.repeat(2)}`;
const awsKeyId = `AKIA${'IOSFODNN7EXAMPLE'.slice(0, 16)}`;
const awsSecret = `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${'EXAMPLEKEY'}`;
const jwt = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.${'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'}`;
const anthropicKey = `sk-ant-api03-${'Zx9Yw8Vu7T'.repeat(4)}`;
const openaiKey = `sk-proj-${'Ab12Cd34Ef'.repeat(4)}`;
const slackToken = `xoxb-${'1234567890'}-${'0987654321'}-${'AbCdEfGhIjKlMnOp'}`;
const pem = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDxJ0mPo0k1vZ0Yx9KzQ3v5d0l5m3m2o5p5l5k5j5h5gAAAAJgvnG2cL5xt',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');

describe('redact: credentials disappear', () => {
  it.each([
    [
      'GitHub classic token in a log line',
      `level=error msg="push failed" token=${ghp}`,
      ghp,
      'github-token',
    ],
    [
      'GitHub fine-grained token',
      `using ${githubPat} for api.github.com`,
      githubPat,
      'github-token',
    ],
    ['GitLab token', `GITLAB_TOKEN is ${glpat}`, glpat, 'gitlab-token'],
    [
      'AWS access key id',
      `credentials: access key ${awsKeyId} rejected`,
      awsKeyId,
      'aws-access-key-id',
    ],
    [
      'AWS secret key as key=value',
      `aws_secret_access_key = ${awsSecret}`,
      awsSecret,
      'secret',
    ],
    ['JWT', `id_token was ${jwt}`, jwt, 'jwt'],
    [
      'Anthropic key',
      `x-api-key: ${anthropicKey}`,
      anthropicKey,
      'anthropic-key',
    ],
    ['OpenAI key', `OPENAI_API_KEY=${openaiKey}`, openaiKey, 'openai-key'],
    [
      'Slack token',
      `slack webhook failed for ${slackToken}`,
      slackToken,
      'slack-token',
    ],
  ])('%s', (_name, text, secret, label) => {
    const result = redact(text);
    expect(result).not.toContain(secret);
    expect(result).toContain(`[REDACTED:${label}]`);
  });

  it('removes a password from a git clone error, keeping user and host', () => {
    const result = redact(
      "failed to checkout and determine revision: unable to clone 'https://deploy-bot:S3cr3t-P4ss@git.example.org/team/infra.git': authentication required",
    );
    expect(result).toBe(
      "failed to checkout and determine revision: unable to clone 'https://deploy-bot:[REDACTED:url-password]@git.example.org/team/infra.git': authentication required",
    );
  });

  it('removes Authorization headers of every scheme', () => {
    expect(redact('Authorization: Bearer abc.def-ghi_jkl123')).toBe(
      'Authorization: Bearer [REDACTED:authorization]',
    );
    expect(redact('"authorization": "Basic ZGVwbG95Omh1bnRlcjI="')).toBe(
      '"authorization": "Basic [REDACTED:authorization]"',
    );
    expect(
      redact(
        'curl -H "X-Trace: 1" --oauth2-bearer x; got 401 for Bearer Zm9vYmFyYmF6cXV4MTIzNDU2',
      ),
    ).toContain('Bearer [REDACTED:bearer-token]');
  });

  it('removes a multi-line private key', () => {
    const result = redact(
      `identity: |\n${pem}\nknown_hosts: github.com ssh-ed25519 AAAAC3Nz`,
    );
    expect(result).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
    expect(result).toContain('[REDACTED:private-key]');
    expect(result).toContain('known_hosts: github.com');
  });

  it('removes a truncated private key in the middle of a log', () => {
    const result = redact(
      `key: -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oQ\n[truncated]\n${'next line of log\n'.repeat(
        3000,
      )}`,
    );
    expect(result).not.toContain('MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oQ');
    expect(result).toContain('[REDACTED:private-key][truncated]');
  });

  it('removes a private key cut off by truncation', () => {
    const result = redact(
      `key follows -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1c7`,
    );
    expect(result).toBe('key follows [REDACTED:private-key]');
  });

  it('redacts passwords and tokens in key=value, YAML and JSON forms', () => {
    expect(redact('connecting with --password=hunter2 --user=admin')).toBe(
      'connecting with --password=[REDACTED:password] --user=admin',
    );
    expect(
      redact('db:\n  password: "c0rrect horse"\n  host: db.internal'),
    ).toBe('db:\n  password: "[REDACTED:password]"\n  host: db.internal');
    expect(redact('{"client_secret":"abc123","clientId":"web"}')).toBe(
      '{"client_secret":"[REDACTED:secret]","clientId":"web"}',
    );
    expect(redact('GET /callback?access_token=tok-123&state=xyz')).toBe(
      'GET /callback?access_token=[REDACTED:token]&state=xyz',
    );
    expect(redact('api_key: 12345abcdef')).toBe('api_key: [REDACTED:api-key]');
  });

  it('blanks the data of a Secret printed by kubectl get -o yaml', () => {
    const secretYaml = [
      'apiVersion: v1',
      'data:',
      '  password: aHVudGVyMg==',
      '  tls.key: |',
      '    LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t',
      '    TUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2N3Z2dTakFnRUFBb0lCQVFD',
      '  username: ZGVwbG95',
      'kind: Secret',
      'metadata:',
      '  annotations:',
      '    kubectl.kubernetes.io/last-applied-configuration: |',
      '      {"apiVersion":"v1","data":{"password":"aHVudGVyMg==","username":"ZGVwbG95"},"kind":"Secret","metadata":{"name":"db","namespace":"shop"}}',
      '  name: db',
      '  namespace: shop',
      'type: Opaque',
    ].join('\n');
    const result = redact(secretYaml);
    expect(result).not.toMatch(/aHVudGVyMg|ZGVwbG95|LS0tLS1CRUdJTi|TUlJRXZR/);
    expect(result).toContain('  password: [REDACTED:secret-data]');
    expect(result).toContain('  tls.key: [REDACTED:secret-data]');
    expect(result).toContain('  name: db');
    expect(result).toContain('type: Opaque');
    expect(result).toContain('"metadata":{"name":"db","namespace":"shop"}');
  });

  it('blanks Secret data in a multi-document stream but leaves ConfigMaps alone', () => {
    const stream = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: settings}',
      'data:',
      '  LOG_LEVEL: debug',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: api}',
      'stringData:',
      '  API_URL: https://api.example.org',
      '  SIGNING: plain-text-value',
    ].join('\n');
    const result = redact(stream);
    expect(result).toContain('LOG_LEVEL: debug');
    expect(result).toContain('API_URL: [REDACTED:secret-data]');
    expect(result).toContain('SIGNING: [REDACTED:secret-data]');
    expect(result).not.toContain('plain-text-value');
  });
});

describe('redact: ordinary text survives', () => {
  it.each([
    [
      'a 40-hex git SHA',
      'commit 0123456789abcdef0123456789abcdef01234567 pushed',
    ],
    [
      'a Flux revision',
      'Applied revision: main@sha1:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
    ],
    [
      'an old-style revision',
      'lastAppliedRevision: main/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
    ],
    [
      'an image digest',
      'image: ghcr.io/org/app@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ],
    [
      'an OCI revision',
      'latest@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ],
    ['a UUID', 'uid: 3f2b8c1e-9d4a-4b7e-8f6c-2a1d0e9b8c7f'],
    [
      'Kubernetes names',
      'Deployment/shop/cart-api-7d9f8c6b5-x2x4k sk-learn-worker token-refresher',
    ],
    [
      'a sentence mentioning secrets',
      'The Secret named by secretRef was not found; check the token expiry.',
    ],
    [
      'a secretRef in YAML',
      'spec:\n  secretRef:\n    name: git-credentials\n  passwordSecretName: db-pass',
    ],
    [
      'settings that mention tokens',
      'automountServiceAccountToken: false\ntokenExpirationSeconds: 3600',
    ],
    [
      'an SSH URL without password',
      "unable to clone 'ssh://git@github.com/org/repo.git'",
    ],
    [
      'a URL with a port',
      'Get "https://charts.example.org:8443/index.yaml": dial tcp: i/o timeout',
    ],
    ['a Flux message', "dependency 'flux-system/infra' is not ready"],
  ])('%s', (_name, text) => {
    expect(redact(text)).toBe(text);
  });
});

describe('redactObject', () => {
  it('redacts deeply, blanks Secret data and secret-named fields, keeps the rest', () => {
    const input = {
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'git-credentials', namespace: 'flux-system' },
          data: { username: 'Z2l0', password: 'aHVudGVyMg==' },
          stringData: { token: 'plain' },
        },
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          metadata: { name: 'infra' },
          spec: {
            url: 'https://bot:pa55w0rd@git.example.org/infra',
            secretRef: { name: 'git-credentials' },
          },
          status: {
            artifact: {
              revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
            },
          },
        },
      ],
      config: { clientSecret: 'abc', replicas: 3, enabled: true, password: '' },
      logs: [`pushed with ${ghp}`],
    };
    const result = redactObject(input);
    expect(result.items[0].data).toEqual({
      username: '[REDACTED:secret-data]',
      password: '[REDACTED:secret-data]',
    });
    expect(result.items[0].stringData).toEqual({
      token: '[REDACTED:secret-data]',
    });
    expect(result.items[0].metadata).toEqual({
      name: 'git-credentials',
      namespace: 'flux-system',
    });
    expect(result.items[1].spec).toEqual({
      url: 'https://bot:[REDACTED:url-password]@git.example.org/infra',
      secretRef: { name: 'git-credentials' },
    });
    expect(result.items[1].status).toEqual(input.items[1].status);
    expect(result.config).toEqual({
      clientSecret: '[REDACTED:secret]',
      replicas: 3,
      enabled: true,
      password: '',
    });
    expect(result.logs[0]).toBe('pushed with [REDACTED:github-token]');
    expect(input.items[0].data?.password).toBe('aHVudGVyMg==');
  });

  it('stays linear on hostile input', () => {
    const hostile = `${'password'.repeat(
      20000,
    )}${'-----BEGIN PRIVATE KEY-----'.repeat(10)}${'a:'.repeat(50000)}`;
    const started = Date.now();
    redact(hostile);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
