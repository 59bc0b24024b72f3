import { PATCH_IMAGE } from '../__fixtures__/deploymentPushes';
import { restoringEdit } from './restoreEdit';
import { changeGroups, parseUnifiedDiff } from './unifiedDiff';

describe('parseUnifiedDiff', () => {
  const text = `diff --git a/apps/podinfo/deployment.yaml b/apps/podinfo/deployment.yaml\n--- a/apps/podinfo/deployment.yaml\n+++ b/apps/podinfo/deployment.yaml\n${PATCH_IMAGE}`;

  it('reads files, hunks and change groups', () => {
    const [file, ...rest] = parseUnifiedDiff(text);
    expect(rest).toEqual([]);
    expect(file.oldPath).toBe('apps/podinfo/deployment.yaml');
    expect(
      file.hunks.map(h => [h.oldStart, h.newStart, h.lines.length]),
    ).toEqual([
      [6, 6, 8],
      [17, 17, 8],
    ]);
    const groups = changeGroups(file);
    expect(groups.map(g => [g.hunk, g.removed, g.added])).toEqual([
      [0, ['  replicas: 2'], ['  replicas: 3']],
      [
        1,
        ['          image: ghcr.io/stefanprodan/podinfo:6.5.4'],
        ['          image: ghcr.io/stefanprodan/podinfo:6.5.99'],
      ],
    ]);
    expect(groups[0].newLinesBefore).toEqual([
      '  labels:',
      '    app: podinfo',
      'spec:',
    ]);
  });

  it('does not mistake a removed line starting with "--" for a file header', () => {
    const [file] = parseUnifiedDiff(
      'diff --git a/x.yaml b/x.yaml\n--- a/x.yaml\n+++ b/x.yaml\n@@ -1,2 +1,2 @@\n--- \n+---\n kind: A\n',
    );
    expect(changeGroups(file)[0]).toMatchObject({
      removed: ['-- '],
      added: ['---'],
    });
  });

  it('stops at a cut hunk without inventing lines', () => {
    const [file] = parseUnifiedDiff(
      '--- a/x\n+++ b/x\n@@ -1,5 +1,5 @@\n a\n-b\n[gort: truncated 90 characters]',
    );
    expect(file.hunks[0].lines).toEqual([
      { kind: ' ', text: 'a' },
      { kind: '-', text: 'b' },
    ]);
  });
});

describe('restoringEdit', () => {
  it('widens the anchor until the search text is unique', () => {
    const content = 'a:\n  x: 1\nb:\n  x: 1\n';
    const edit = restoringEdit(
      {
        path: 'f.yaml',
        hunk: 0,
        removed: ['  x: 2'],
        added: ['  x: 1'],
        newLinesBefore: ['a:'],
        newLinesAfter: ['b:', '  x: 1'],
      },
      content,
    );
    expect(edit).toEqual({
      kind: 'replace',
      path: 'f.yaml',
      search: 'a:\n  x: 1\nb:\n',
      replace: 'a:\n  x: 2\nb:\n',
    });
  });

  it('gives up when no anchor makes the text unique', () => {
    expect(
      restoringEdit(
        {
          path: 'f',
          hunk: 0,
          removed: ['y'],
          added: ['x'],
          newLinesBefore: [],
          newLinesAfter: [],
        },
        'x\nx\n',
      ),
    ).toBeUndefined();
  });
});
