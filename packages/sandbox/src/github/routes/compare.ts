import { ApiHandler, json, requireRepo, userForEmail } from '../apiContext';
import { notFound } from '../httpErrors';
import { comparisonJson } from '../representations';
import type { Router } from '../router';

/** `base...head` (or `base..head`); either side may be `owner:ref` or `owner:repo:ref`. */
export function parseBasehead(basehead: string): { base: string; head: string } | undefined {
  const match = /^(.+?)\.{2,3}(.+)$/.exec(basehead);
  if (!match) return undefined;
  const strip = (side: string) => side.split(':').pop()!;
  const base = strip(match[1]);
  const head = strip(match[2]);
  return base && head ? { base, head } : undefined;
}

/**
 * `GET /repos/{owner}/{repo}/compare/{basehead}`
 * (https://docs.github.com/en/rest/commits/commits#compare-two-commits): the
 * three-dot comparison (`git log BASE...HEAD`, commits oldest first), with
 * `status` `ahead` / `behind` / `identical` / `diverged` and the ahead/behind
 * counts computed by git itself (see GitRepoStore.compare: `git merge-base`
 * and `git rev-list --count` both ways). A base or head GitHub does not have
 * is a 404, as after a force-push removed the commit and it was collected.
 */
export const compareCommits: ApiHandler = async (request, services) => {
  const c = requireRepo(services, request.params);
  const parsed = parseBasehead(request.params.basehead);
  if (!parsed) throw notFound();
  const baseSha = await services.store.resolveCommit(c.owner, c.repo, parsed.base);
  const headSha = await services.store.resolveCommit(c.owner, c.repo, parsed.head);
  if (!baseSha || !headSha) throw notFound();
  const comparison = await services.store.compare(c.owner, c.repo, baseSha, headSha);
  const baseCommit = await services.store.getCommit(c.owner, c.repo, baseSha);
  const mergeBase = comparison.mergeBaseSha
    ? await services.store.getCommit(c.owner, c.repo, comparison.mergeBaseSha)
    : undefined;
  return json(
    200,
    comparisonJson(c, request.params.basehead, comparison, mergeBase, baseCommit!, userForEmail(services)),
  );
};

export function registerCompareRoutes(router: Router<ApiHandler>) {
  router.add('GET', '/repos/:owner/:repo/compare/*basehead', compareCommits);
}
