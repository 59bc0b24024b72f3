import { combineDiff, parseNameStatus, parseNumstat, parseRawDiff, splitPatchByFile } from './diffParsing';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);

describe('diff parsing', () => {
  const raw = [
    `:100644 100644 ${A} ${B} M`, 'app.yaml',
    `:100644 100644 ${A} ${A} R100`, 'old name.txt', 'new name.txt',
    `:000000 100644 ${Z} ${B} A`, 'logo.png',
    `:100644 000000 ${A} ${Z} D`, 'gone.txt',
    '',
  ].join('\0');
  const numstat = ['1\t1\tapp.yaml', '0\t0\t', 'old name.txt', 'new name.txt', '-\t-\tlogo.png', '0\t2\tgone.txt', ''].join('\0');
  const patch = [
    'diff --git a/app.yaml b/app.yaml',
    'index aaaaaaa..bbbbbbb 100644',
    '--- a/app.yaml',
    '+++ b/app.yaml',
    '@@ -1 +1 @@',
    '-replicas: 1',
    '+replicas: 2',
    'diff --git a/old name.txt b/new name.txt',
    'similarity index 100%',
    'rename from old name.txt',
    'rename to new name.txt',
    'diff --git a/logo.png b/logo.png',
    'new file mode 100644',
    'Binary files /dev/null and b/logo.png differ',
    'diff --git a/gone.txt b/gone.txt',
    'deleted file mode 100644',
    '--- a/gone.txt',
    '+++ /dev/null',
    '@@ -1,2 +0,0 @@',
    '-x',
    '-y',
    '',
  ].join('\n');

  it('parses raw, numstat and patch output consistently', () => {
    expect(parseRawDiff(raw).map(entry => [entry.statusLetter, entry.path, entry.previousPath])).toEqual([
      ['M', 'app.yaml', undefined],
      ['R', 'new name.txt', 'old name.txt'],
      ['A', 'logo.png', undefined],
      ['D', 'gone.txt', undefined],
    ]);
    expect(parseNumstat(numstat)).toEqual([
      { additions: 1, deletions: 1, binary: false },
      { additions: 0, deletions: 0, binary: false },
      { additions: 0, deletions: 0, binary: true },
      { additions: 0, deletions: 2, binary: false },
    ]);
    expect(splitPatchByFile(patch)).toEqual(['@@ -1 +1 @@\n-replicas: 1\n+replicas: 2', undefined, undefined, '@@ -1,2 +0,0 @@\n-x\n-y']);
  });

  it('combines them into GitHub file entries', () => {
    expect(combineDiff(raw, numstat, patch)).toEqual([
      { filename: 'app.yaml', status: 'modified', sha: B, additions: 1, deletions: 1, changes: 2, binary: false, patch: '@@ -1 +1 @@\n-replicas: 1\n+replicas: 2' },
      { filename: 'new name.txt', previousFilename: 'old name.txt', status: 'renamed', sha: A, additions: 0, deletions: 0, changes: 0, binary: false },
      { filename: 'logo.png', status: 'added', sha: B, additions: 0, deletions: 0, changes: 0, binary: true },
      { filename: 'gone.txt', status: 'removed', sha: A, additions: 0, deletions: 2, changes: 2, binary: false, patch: '@@ -1,2 +0,0 @@\n-x\n-y' },
    ]);
  });

  it('sorts name-status output into added, removed and modified lists', () => {
    expect(parseNameStatus(['M', 'a', 'A', 'b', 'D', 'c', 'R087', 'd', 'e', ''].join('\0'))).toEqual({
      added: ['b', 'e'],
      removed: ['c', 'd'],
      modified: ['a'],
    });
  });
});
