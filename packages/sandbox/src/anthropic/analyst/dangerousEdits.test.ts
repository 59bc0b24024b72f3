import { reviewEdits } from '@gort-backstage/plugin-gort-node';
import type { ProposeFixInput } from '@gort-backstage/plugin-gort-node';
import { DANGEROUS_EDITS, withDangerousEdit } from './dangerousEdits';

const honest: ProposeFixInput = {
  summary: 'Restore the image tag',
  rootCause: 'a typo in the tag',
  confidence: 0.9,
  edits: [{ kind: 'replace', path: 'clusters/demo/podinfo/deployment.yaml', search: 'podinfo:6.51', replace: 'podinfo:6.5.1' }],
  planDocument: { title: 'Restore the tag', body: 'body' },
};

describe('dangerous edits', () => {
  it.each(DANGEROUS_EDITS)('%s keeps the honest edit and adds one file beside it, which the edit policy flags', which => {
    const fix = withDangerousEdit(honest, which);
    expect(fix.edits[0]).toEqual(honest.edits[0]);
    expect(fix.edits).toHaveLength(2);
    const added = fix.edits[1];
    expect(added.kind).toBe('create');
    expect(added.path.startsWith('clusters/demo/podinfo/')).toBe(true);
    const content = added.kind === 'create' ? added.content : '';
    const review = reviewEdits({ [added.path]: content }, new Map());
    expect(review.findings.length).toBeGreaterThan(0);
  });
});
