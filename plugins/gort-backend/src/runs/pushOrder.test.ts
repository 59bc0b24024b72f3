import { decidePushOrder, orderFromPushes } from './pushOrder';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const X = '1'.repeat(40);

describe('push order', () => {
  it('decides from before/after when they say it', () => {
    // B → C arrives after the run of A → B: it moved the branch from B.
    expect(orderFromPushes({ sha: C, beforeSha: B }, { sha: B, beforeSha: A })).toBe('newer');
    // A → B arrives after the run of B → C: C was pushed on top of it.
    expect(orderFromPushes({ sha: B, beforeSha: A }, { sha: C, beforeSha: B })).toBe('older');
    // A forced rollback from C to A replaced the tip C: newer, whatever a compare would say.
    expect(orderFromPushes({ sha: A, beforeSha: C, forced: true }, { sha: C, beforeSha: B })).toBe('newer');
    // The previous run was a forced push away from this commit: this one is older.
    expect(orderFromPushes({ sha: B, beforeSha: A }, { sha: C, beforeSha: B, forced: true })).toBe('older');
    // Case does not matter.
    expect(orderFromPushes({ sha: C, beforeSha: B.toUpperCase() }, { sha: B })).toBe('newer');
    // A forced push from elsewhere, or a delivery missing in between: undecided.
    expect(orderFromPushes({ sha: C, beforeSha: X, forced: true }, { sha: B, beforeSha: A })).toBeUndefined();
    expect(orderFromPushes({ sha: C, beforeSha: X }, { sha: B, beforeSha: A })).toBeUndefined();
    expect(orderFromPushes({ sha: C }, { sha: B })).toBeUndefined();
  });

  it('does not compare when before/after decide', () => {
    expect(decidePushOrder({ push: { sha: C, beforeSha: B }, previous: { sha: B }, comparison: { status: 'behind', aheadBy: 0, behindBy: 1 } })).toEqual({ verdict: 'newer', basis: 'push' });
    expect(decidePushOrder({ push: { sha: B, beforeSha: A }, previous: { sha: C, beforeSha: B } })).toEqual({ verdict: 'older', basis: 'push' });
  });

  it('takes an ahead or diverged compare as the new tip, behind or identical as an older commit', () => {
    const push = { sha: C, beforeSha: X, forced: true };
    const previous = { sha: B, beforeSha: A };
    expect(decidePushOrder({ push, previous, comparison: { status: 'ahead', aheadBy: 2, behindBy: 0 } })).toMatchObject({
      verdict: 'newer',
      basis: 'compare',
      note: expect.stringContaining('ahead by 2'),
    });
    expect(decidePushOrder({ push, previous, comparison: { status: 'diverged', aheadBy: 1, behindBy: 3 } })).toMatchObject({
      verdict: 'newer',
      basis: 'compare',
      note: expect.stringMatching(/diverged.*after a force-push/),
    });
    expect(decidePushOrder({ push, previous, comparison: { status: 'behind', aheadBy: 0, behindBy: 2 } })).toMatchObject({
      verdict: 'older',
      basis: 'compare',
      note: expect.stringContaining('behind by 2'),
    });
    expect(decidePushOrder({ push, previous, comparison: { status: 'identical', aheadBy: 0, behindBy: 0 } })).toMatchObject({ verdict: 'older', basis: 'compare' });
  });

  it('settles a diverged compare by the branch head: still the previous commit means the push is older', () => {
    const push = { sha: C, beforeSha: X };
    const previous = { sha: B, beforeSha: A };
    const diverged = { status: 'diverged' as const, aheadBy: 1, behindBy: 3 };
    expect(
      decidePushOrder({
        push,
        previous,
        comparison: diverged,
        branchHead: B.toUpperCase(),
      }),
    ).toMatchObject({
      verdict: 'older',
      basis: 'compare',
      note: expect.stringContaining("the branch's head is still bbbbbbb"),
    });
    // the head is the push, elsewhere (moved on since) or unknown: the later push is the tip
    for (const branchHead of [C, X, undefined]) {
      expect(
        decidePushOrder({ push, previous, comparison: diverged, branchHead }),
      ).toMatchObject({ verdict: 'newer', basis: 'compare' });
    }
    // the head is not asked of for any other status
    expect(
      decidePushOrder({
        push,
        previous,
        comparison: { status: 'ahead', aheadBy: 1, behindBy: 0 },
        branchHead: B,
      }),
    ).toMatchObject({ verdict: 'newer' });
  });

  it('keeps the arrival order, with a note, when the compare failed', () => {
    const decision = decidePushOrder({ push: { sha: C, beforeSha: X, forced: true }, previous: { sha: B }, compareError: 'Not Found' });
    expect(decision).toMatchObject({ verdict: 'newer', basis: 'fallback' });
    expect(decision.note).toContain('Could not compare with bbbbbbb (Not Found)');
    expect(decision.note).toContain('order the pushes arrived in');
  });
});
