import { selectProvider } from './selectProvider';

const selection = (id: string) => ({ kind: 'SCM', configKey: 'gort.scm.provider', id });

describe('selectProvider', () => {
  const github = { id: 'github', n: 1 };
  const gitea = { id: 'gitea', n: 2 };

  it('returns the provider with the configured id', () => {
    expect(selectProvider([github, gitea], selection('gitea'))).toBe(gitea);
  });

  it('names the config key and the installed ids when none matches', () => {
    expect(() => selectProvider([github, gitea], selection('gitlab'))).toThrow(
      'Invalid config gort.scm.provider: "gitlab" is not an installed SCM provider; installed: github, gitea.',
    );
  });

  it('refuses two providers with one id', () => {
    expect(() => selectProvider([github, { id: 'github', n: 3 }], selection('github'))).toThrow(/Two GORT SCM providers have the id "github"/);
  });
});
