import { isValidOwner, isValidRefName, isValidRepoName, normalizeOptionalRepoPath, normalizeRepoPath } from './validation';
import { parseRepoUrl } from './repoUrl';

describe('validation', () => {
  it('accepts GitHub-like owner and repository names only', () => {
    expect(isValidOwner('acme-corp')).toBe(true);
    expect(isValidOwner('-acme')).toBe(false);
    expect(isValidOwner('a/b')).toBe(false);
    expect(isValidRepoName('my.repo_1')).toBe(true);
    expect(isValidRepoName('..')).toBe(false);
    expect(isValidRepoName('repo.git')).toBe(false);
  });

  it('follows git check-ref-format', () => {
    for (const name of ['main', 'gort/fix-1', 'refs/heads/main', 'v1.0']) expect([name, isValidRefName(name)]).toEqual([name, true]);
    for (const name of ['', '-x', 'a..b', 'a b', 'a~1', 'a^', 'a:b', 'x.lock', 'a//b', '.hidden', 'a/.b', '@', 'a@{1}', 'end/', 'q?', 'a\\b']) {
      expect([name, isValidRefName(name)]).toEqual([name, false]);
    }
  });

  it('keeps repository paths relative and inside the tree', () => {
    expect(normalizeRepoPath('apps/app.yaml')).toBe('apps/app.yaml');
    expect(normalizeRepoPath('apps/')).toBe('apps');
    expect(normalizeOptionalRepoPath(undefined)).toBe('');
    for (const bad of ['', '/etc/passwd', '../x', 'a/../b', 'a//b', './a', '.git/config', 'a/.GIT/x', 'a\\b', 'a\0b']) {
      expect(() => normalizeRepoPath(bad)).toThrow();
    }
  });

  it('reads owner and repository from clone URLs', () => {
    expect(parseRepoUrl('http://127.0.0.1:9/acme/app.git')).toEqual({ owner: 'acme', repo: 'app' });
    expect(parseRepoUrl('https://u:p@example.test/acme/app/')).toEqual({ owner: 'acme', repo: 'app' });
    expect(parseRepoUrl('http://h/acme/app/extra')).toBeUndefined();
    expect(parseRepoUrl('not a url')).toBeUndefined();
  });
});
