import { parsePushPayload } from './pushEvent';

// Real GitHub webhook payloads, recorded by the Octokit project.
// eslint-disable-next-line @backstage/no-undeclared-imports
const examples: Array<{ name: string; examples: any[] }> = require('@octokit/webhooks-examples/api.github.com/index.json');

const pushExamples = examples.find(e => e.name === 'push')!.examples;

describe('parsePushPayload', () => {
  it('reads every real branch push example and ignores tags and deletions', () => {
    const results = pushExamples.map(parsePushPayload);
    expect(results.some(r => r.kind === 'invalid')).toBe(false);
    const pushes = results.filter(r => r.kind === 'push');
    expect(pushes.length).toBeGreaterThan(0);
    const notBranchPushes = results.filter((_, index) => {
      const example = pushExamples[index];
      return !example.ref.startsWith('refs/heads/') || example.deleted;
    });
    expect(notBranchPushes.filter(r => r.kind !== 'ignored')).toEqual([]);
  });

  it('extracts what a run needs from a branch push', () => {
    const example = pushExamples.find(e => e.ref.startsWith('refs/heads/') && !e.deleted && e.head_commit);
    const result = parsePushPayload(example);
    expect(result.kind).toBe('push');
    if (result.kind !== 'push') return;
    const [owner, repo] = example.repository.full_name.split('/');
    expect(result.event).toMatchObject({
      repo: { owner, repo },
      branch: example.ref.replace('refs/heads/', ''),
      after: example.after,
      before: example.before,
      isDefaultBranch: example.repository.default_branch === example.ref.replace('refs/heads/', ''),
      headCommit: { sha: example.head_commit.id },
    });
  });

  it('collects changed files across commits', () => {
    const result = parsePushPayload({
      ref: 'refs/heads/main',
      before: 'a'.repeat(40),
      after: 'b'.repeat(40),
      commits: [
        { id: 'c'.repeat(40), message: 'one', timestamp: '2026-11-23T10:00:00Z', author: { name: 'A' }, added: ['docs/plans/x.md'], modified: ['apps/podinfo/deployment.yaml'], removed: [] },
        { id: 'b'.repeat(40), message: 'two', timestamp: '2026-11-23T10:01:00Z', author: { name: 'A', username: 'ada' }, added: [], modified: ['apps/podinfo/deployment.yaml'], removed: ['old.yaml'] },
      ],
      head_commit: { id: 'b'.repeat(40), message: 'two', timestamp: '2026-11-23T10:01:00Z', author: { name: 'A', username: 'ada' } },
      repository: { name: 'gitops', full_name: 'acme/gitops', default_branch: 'main', owner: { login: 'acme' } },
    });
    expect(result).toMatchObject({
      kind: 'push',
      event: {
        changedFiles: ['apps/podinfo/deployment.yaml', 'docs/plans/x.md', 'old.yaml'],
        headCommit: { author: 'ada', message: 'two' },
        isDefaultBranch: true,
      },
    });
  });

  it('explains malformed payloads', () => {
    const result = parsePushPayload({ ref: 'refs/heads/main', after: 'nope', repository: {} });
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        'before: Required',
        'after: expected a 40-hex commit SHA',
        'repository.name: Required',
      ]),
    );
    expect(parsePushPayload('not json').kind).toBe('invalid');
  });
});
