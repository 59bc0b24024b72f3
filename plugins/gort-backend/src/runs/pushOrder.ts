/** One push as the order decision sees it. */
export interface OrderedPush {
  sha: string;
  beforeSha?: string;
  /** A forced push: `beforeSha` was the branch's tip, not a parent of `sha`. */
  forced?: boolean;
}

/**
 * How GitHub's compare (`GET /repos/{owner}/{repo}/compare/{base}...{head}`)
 * placed head relative to base: `ahead` (base is an ancestor of head),
 * `behind` (head is an ancestor of base), `identical`, or `diverged` (both
 * have commits the other lacks, as after a force-push rewrote history).
 * https://docs.github.com/en/rest/commits/commits#compare-two-commits
 */
export interface CommitComparison {
  status: 'ahead' | 'behind' | 'identical' | 'diverged';
  aheadBy: number;
  behindBy: number;
}

export type PushOrderVerdict = 'newer' | 'older';

export interface PushOrderDecision {
  /** `newer`: the push is the branch's new tip; `older`: an older commit that never supersedes. */
  verdict: PushOrderVerdict;
  /** `push`: decided from before/after; `compare`: from GitHub's compare; `fallback`: the compare failed, arrival order stands. */
  basis: 'push' | 'compare' | 'fallback';
  /** What the timeline says (only for `compare` and `fallback`). */
  note?: string;
}

const short = (sha: string) => sha.slice(0, 7);

/**
 * What before/after alone say about `push` against `previous` (the entity's
 * run it arrived after), or undefined when they cannot say:
 * - `push.beforeSha` is `previous.sha`: the push moved the branch from there
 *   (true of a forced push too: `before` is the tip it replaced), so it is newer;
 * - `previous.beforeSha` is `push.sha`: `previous` moved the branch away from
 *   this commit, so this push is older (delivered late).
 * Anything else (a forced push from elsewhere, a missed delivery in between)
 * needs a compare.
 */
export function orderFromPushes(push: OrderedPush, previous: OrderedPush): PushOrderVerdict | undefined {
  const sha = push.sha.toLowerCase();
  const previousSha = previous.sha.toLowerCase();
  if (push.beforeSha?.toLowerCase() === previousSha) return 'newer';
  if (previous.beforeSha?.toLowerCase() === sha) return 'older';
  return undefined;
}

/**
 * The decision once before/after could not make it, from a compare with
 * base `previous.sha` and head `push.sha` (or its failure). Ahead: the push
 * builds on the previous commit. Diverged: history was rewritten (a forced
 * push), and the push, which arrived later, is the new tip, unless the
 * branch's head is still the previous commit (the push is from the history
 * the force-push removed, delivered late). Behind or
 * identical: the push is an ancestor of (or is) the previous commit, an older
 * commit that never supersedes. A failed compare (GitHub down, a 404 once
 * the force-push removed the base) loses nothing: the arrival order stands.
 */
export function decidePushOrder(input: {
  push: OrderedPush;
  previous: OrderedPush;
  comparison?: CommitComparison;
  compareError?: string;
  /** The branch's head now, asked only when the compare said `diverged`. */
  branchHead?: string;
}): PushOrderDecision {
  const { push, previous, comparison, compareError, branchHead } = input;
  const fromPushes = orderFromPushes(push, previous);
  if (fromPushes) return { verdict: fromPushes, basis: 'push' };
  const against = `${short(previous.sha)}`;
  if (!comparison) {
    return {
      verdict: 'newer',
      basis: 'fallback',
      note: `Could not compare with ${against} (${compareError ?? 'no compare available'}); going by the order the pushes arrived in: this one is taken as the newer commit`,
    };
  }
  switch (comparison.status) {
    case 'ahead':
      return {
        verdict: 'newer',
        basis: 'compare',
        note: `Compared with ${against}: ahead by ${comparison.aheadBy} commit(s), so this push is the branch's new tip`,
      };
    case 'diverged':
      // A late delivery of a commit a force-push has since removed diverges
      // too: the branch's head, when known, says which of the two is the tip.
      if (branchHead?.toLowerCase() === previous.sha.toLowerCase()) {
        return {
          verdict: 'older',
          basis: 'compare',
          note: `Compared with ${against}: diverged (ahead by ${comparison.aheadBy}, behind by ${comparison.behindBy}), and the branch's head is still ${against}, so this push is a commit the branch no longer has and does not supersede it`,
        };
      }
      return {
        verdict: 'newer',
        basis: 'compare',
        note: `Compared with ${against}: diverged (ahead by ${comparison.aheadBy}, behind by ${comparison.behindBy})${push.forced ? ' after a force-push' : ''}; the later push is the branch's new tip`,
      };
    case 'behind':
      return {
        verdict: 'older',
        basis: 'compare',
        note: `Compared with ${against}: behind by ${comparison.behindBy} commit(s), so this push is an older commit and does not supersede it`,
      };
    case 'identical':
    default:
      return {
        verdict: 'older',
        basis: 'compare',
        note: `Compared with ${against}: identical, so this push brings nothing newer`,
      };
  }
}
