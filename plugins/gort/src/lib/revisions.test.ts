import { commitUrl, revisionSha, shortSha } from './revisions';

const sha = '9f3b1c2d4e5f60718293a4b5c6d7e8f901234567';

describe('revisionSha', () => {
  it.each([
    [`main@sha1:${sha}`, sha],
    [`main/${sha}`, sha],
    [sha.toUpperCase(), sha],
    ['main@sha1:abc', undefined],
    [undefined, undefined],
  ])('%s → %s', (revision, expected) => {
    expect(revisionSha(revision)).toBe(expected);
  });
});

describe('commitUrl', () => {
  it('prefers the URL recorded with the push', () => {
    expect(
      commitUrl({
        sha,
        url: 'https://github.example/acme/x/commit/1',
        repo: 'acme/x',
      }),
    ).toBe('https://github.example/acme/x/commit/1');
  });

  it('builds a GitHub commit URL from owner/repo or a RepoRef', () => {
    expect(commitUrl({ sha, repo: 'acme/gitops' })).toBe(
      `https://github.com/acme/gitops/commit/${sha}`,
    );
    expect(commitUrl({ sha, repo: { owner: 'acme', repo: 'gitops' } })).toBe(
      `https://github.com/acme/gitops/commit/${sha}`,
    );
  });

  it('gives nothing without a repository', () => {
    expect(commitUrl({ sha })).toBeUndefined();
  });

  it('shortens SHAs to seven characters', () => {
    expect(shortSha(sha)).toBe('9f3b1c2');
  });
});
