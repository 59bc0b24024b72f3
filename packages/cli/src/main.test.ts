import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CliIo } from './io';
import { main } from './main';

// Real Flux failures, recorded next to the diagnosis rules they test.
const fixtures = path.join(
  path.dirname(
    require.resolve('@gort-backstage/plugin-gort-node/package.json'),
  ),
  'src',
  'diagnosis',
  '__fixtures__',
  'flux-failures',
);
const fixture = (name: string) =>
  fs.readFileSync(path.join(fixtures, name), 'utf8');

function fakeIo(
  stdin: string,
  files: Record<string, string> = {},
  tty = false,
  env: Record<string, string> = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdin,
    stdout: { write: (t: string) => out.push(t), isTTY: tty },
    stderr: { write: (t: string) => err.push(t) },
    env,
    readFile: async p => {
      if (!(p in files))
        throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return files[p];
    },
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const gitRepoWithToken = `
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: infra, namespace: flux-system}
status:
  conditions:
  - type: Ready
    status: "False"
    reason: GitOperationFailed
    message: "unable to clone 'https://bot:ghp_${'A1b2C3d4E5'.repeat(
      3,
    )}xY9z12@git.example.org/infra': authentication required"
`;

describe('gort diagnose (main)', () => {
  it('prints exactly one redacted JSON object with --json', async () => {
    const t = fakeIo(gitRepoWithToken);
    expect(await main(['diagnose', '--json'], t.io)).toBe(0);
    const parsed = JSON.parse(t.stdout());
    expect(parsed).toMatchObject({
      category: 'source-auth',
      object: 'GitRepository/flux-system/infra',
    });
    expect(Object.keys(parsed).sort()).toEqual(
      [
        'category',
        'confidence',
        'evidence',
        'fix',
        'object',
        'related',
        'rule',
        'summary',
      ].sort(),
    );
    expect(t.stdout()).not.toContain('ghp_');
    // The credential in the clone URL is replaced (the label names the detector that found it).
    expect(t.stdout()).toMatch(/https:\/\/bot:\[REDACTED:[a-z-]+\]@git\.example\.org/);
    expect(t.stderr()).toBe('');
  });

  it('reads files, kind: List and several documents together', async () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n${fixture('case-18.yaml')
      .split('\n---\n')
      .map(doc => `- ${doc.trim().split('\n').join('\n  ')}`)
      .join('\n')}\n`;
    const t = fakeIo('', { 'list.yaml': list });
    expect(await main(['diagnose', '--json', 'list.yaml'], t.io)).toBe(0);
    expect(JSON.parse(t.stdout())).toMatchObject({
      category: 'source-auth',
      object: 'GitRepository/flux-system/flux-system',
      related: ['Kustomization/flux-system/app'],
    });
  });

  it('prints a plain report when stdout is not a TTY, coloured on a TTY unless NO_COLOR', async () => {
    const plain = fakeIo(fixture('case-08.yaml'));
    expect(await main(['diagnose'], plain.io)).toBe(0);
    expect(plain.stdout()).toContain('✖ missing-crd  Kustomization/flux/flux');
    expect(plain.stdout()).not.toContain('\u001b[');

    const tty = fakeIo(fixture('case-08.yaml'), {}, true);
    await main(['diagnose'], tty.io);
    expect(tty.stdout()).toContain('\u001b[');

    const noColor = fakeIo(fixture('case-08.yaml'), {}, true, {
      NO_COLOR: '1',
    });
    await main(['diagnose'], noColor.io);
    expect(noColor.stdout()).not.toContain('\u001b[');
  });

  it('returns unknown (exit 0) when no rule matches', async () => {
    const t = fakeIo(
      fixture('case-08.yaml').replace(
        /message: .*/,
        'message: "the flux capacitor is misaligned"',
      ),
    );
    expect(await main(['diagnose', '--json'], t.io)).toBe(0);
    expect(JSON.parse(t.stdout())).toMatchObject({ category: 'unknown' });
  });

  it('reports healthy input with exit 0', async () => {
    const ready = fixture('case-08.yaml').replace(
      'status: "False"',
      'status: "True"',
    );
    const t = fakeIo(ready);
    expect(await main(['diagnose', '--json'], t.io)).toBe(0);
    expect(JSON.parse(t.stdout())).toEqual({
      healthy: true,
      checked: ['Kustomization/flux-system/app'],
      failing: [],
    });
  });

  it('diagnoses the object named by --object', async () => {
    const t = fakeIo(fixture('case-18.yaml'));
    expect(
      await main(
        [
          'diagnose',
          '--json',
          '--object',
          'GitRepository/flux-system/flux-system',
        ],
        t.io,
      ),
    ).toBe(0);
    expect(JSON.parse(t.stdout())).toMatchObject({
      category: 'source-auth',
      related: [],
    });
  });

  it.each([
    ['no command', [], ''],
    ['unknown command', ['fix'], ''],
    ['unknown option', ['diagnose', '--yaml'], ''],
    ['missing --object value', ['diagnose', '--object'], ''],
    ['unreadable file', ['diagnose', 'missing.yaml'], ''],
    ['invalid YAML', ['diagnose'], 'kind: [unclosed'],
    ['no Kubernetes objects', ['diagnose'], 'just: a map\n'],
    [
      'no Flux objects',
      ['diagnose'],
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n',
    ],
    [
      'unknown --object',
      ['diagnose', '--object', 'Kustomization/x/y'],
      fixture('case-08.yaml'),
    ],
  ])('exits 2 with one line on stderr: %s', async (_name, argv, stdin) => {
    const t = fakeIo(stdin);
    expect(await main(argv, t.io)).toBe(2);
    expect(t.stdout()).toBe('');
    expect(t.stderr()).toMatch(/^gort: [^\n]+\n$/);
  });

  it('explains the classification with --explain (JSON and plain text), redacted', async () => {
    const t = fakeIo(gitRepoWithToken);
    expect(await main(['diagnose', '--explain', '--json'], t.io)).toBe(0);
    const [explained] = JSON.parse(t.stdout());
    expect(explained.object).toBe('GitRepository/flux-system/infra');
    const [ready] = explained.conditions;
    expect(ready.source).toBe(
      'GitRepository/flux-system/infra condition Ready',
    );
    expect(ready.matched).toMatchObject({ category: 'source-auth' });
    expect(ready.matched.templates[0].source).toMatch(
      /^[\w-]+\/[\w.-]+@[0-9a-f]{40}:\S+#L\d+$/,
    );
    expect(t.stdout()).not.toContain('ghp_');

    const plain = fakeIo(gitRepoWithToken);
    expect(await main(['diagnose', '--explain'], plain.io)).toBe(0);
    expect(plain.stdout()).toMatch(/matched: git-auth/);
    expect(plain.stdout()).toMatch(/template: go-git\/go-git@[0-9a-f]{40}:/);
    expect(plain.stdout()).not.toContain('ghp_');
  });

  it('lists the commands on --help and describes one on COMMAND --help', async () => {
    for (const argv of [['--help'], ['help']]) {
      const t = fakeIo('');
      expect(await main(argv, t.io)).toBe(0);
      expect(t.stdout()).toContain('Usage: gort [options] [command]');
      expect(t.stdout()).toMatch(/^\s+diagnose\b/m);
      expect(t.stderr()).toBe('');
    }
    for (const argv of [
      ['diagnose', '--help'],
      ['help', 'diagnose'],
    ]) {
      const t = fakeIo('');
      expect(await main(argv, t.io)).toBe(0);
      expect(t.stdout()).toContain('Usage: gort diagnose [options] [file...]');
      expect(t.stdout()).toContain('--object <ref>');
      expect(t.stdout()).toContain('Exit codes:');
    }
  });
});

describe('bin/gort', () => {
  it('runs the TypeScript sources with this Node and reads stdin', () => {
    const bin = path.join(__dirname, '..', 'bin', 'gort');
    const result = spawnSync(
      process.execPath,
      [bin, 'diagnose', '--json', '-'],
      {
        input: fixture('case-61.yaml'),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      category: 'source-auth',
      object: 'GitRepository/flux-system/app',
    });
  });
});
