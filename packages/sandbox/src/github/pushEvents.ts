import { RefUpdateEvent, ZERO_SHA } from '../git';
import { ApiServices, describeRepo, userForEmail } from './apiContext';
import { buildPushPayload } from './webhooks/pushPayload';

/** GitHub sends `push` for branches and tags; other refs (e.g. notes) are silent. */
export function isPushableRef(ref: string): boolean {
  return ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/');
}

/** Reads what a ref update introduced from git and renders GitHub's push payload for it. */
export async function pushPayloadFor(services: ApiServices, event: RefUpdateEvent) {
  const { store } = services;
  const commits = await store.commitsForPush(event.owner, event.repo, event);
  // An annotated tag points at a tag object; the head commit is the commit it tags.
  const headSha = event.after === ZERO_SHA ? undefined : await store.resolveCommit(event.owner, event.repo, event.after);
  const headCommit = headSha
    ? commits.find(commit => commit.sha === headSha) ?? (await store.getCommit(event.owner, event.repo, headSha))
    : undefined;
  const repository = await describeRepo(services, { base: services.base, owner: event.owner, repo: event.repo });
  return buildPushPayload({
    base: services.base,
    event,
    commits,
    headCommit,
    repository,
    sender: services.user,
    userFor: userForEmail(services),
  });
}
