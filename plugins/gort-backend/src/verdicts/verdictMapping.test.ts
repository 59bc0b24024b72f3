import type { Run, RunSummary } from '@gort-backstage/plugin-gort-common';
import {
  aggregateVerdictOf,
  checkName,
  commitStatusOf,
  conclusionOf,
  postedKey,
  statusDescription,
  verdictOf,
} from './verdictMapping';

const base: Run = {
  id: 'run-1',
  entityRef: 'component:default/podinfo',
  repo: 'acme/podinfo-gitops',
  branch: 'main',
  sha: 'a'.repeat(40),
  trigger: 'push',
  state: 'reconciling',
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  deadlineAt: '2026-12-01T00:10:00Z',
  objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }],
  timeline: [],
  verdicts: [],
  evidence: [],
};
const content = { runUrl: 'https://backstage.example/catalog/default/component/podinfo/gitops/runs/run-1', evidence: false };
const openPr = { status: 'opened' as const, message: '', url: 'https://github.example/acme/podinfo-gitops/pull/7', number: 7, prState: 'open' as const, validation: [] };

describe('checkName', () => {
  it('names a check gort/<entity>[/<cluster>]', () => {
    expect(checkName('component:default/podinfo')).toBe('gort/podinfo');
    expect(checkName('component:default/podinfo', 'prod-eu')).toBe('gort/podinfo/prod-eu');
    expect(checkName('resource:team-a/db')).toBe('gort/resource:team-a/db');
  });
});

describe('run state → check', () => {
  it.each([
    ['queued', 'Queued'],
    ['waiting_for_source', 'Waiting for Flux to fetch the commit'],
    ['reconciling', 'Waiting for Flux to apply the commit'],
    ['diagnosing', 'Diagnosing the failure'],
    ['validating', 'Applied; checking intent against the plans'],
  ] as const)('%s is in progress with the stage "%s"', (state, stage) => {
    const verdict = verdictOf({ ...base, state }, content);
    expect(verdict).toMatchObject({ status: 'in_progress', title: stage });
    expect(verdict.conclusion).toBeUndefined();
    expect(verdict.summary).toContain(content.runUrl);
  });

  it.each([
    [{ outcome: 'succeeded', intentMet: true }, 'success'],
    [{ outcome: 'succeeded' }, 'success'],
    [{ outcome: 'succeeded', intentMet: false }, 'failure'],
    [{ outcome: 'succeeded', intentMet: false, fixPr: openPr }, 'action_required'],
    [{ outcome: 'failed', category: 'image-pull' }, 'failure'],
    [{ outcome: 'failed', category: 'image-pull', fixPr: openPr }, 'action_required'],
    [{ outcome: 'failed', fixPr: { ...openPr, prState: 'merged' } }, 'failure'],
    [{ outcome: 'failed', fixPr: { ...openPr, status: 'rejected' } }, 'failure'],
    [{ outcome: 'timed_out' }, 'timed_out'],
    [{ outcome: 'timed_out', fixPr: openPr }, 'action_required'],
    [{ outcome: 'suspended' }, 'neutral'],
    [{ outcome: 'unobservable' }, 'neutral'],
    [{ outcome: 'error' }, 'neutral'],
  ] as const)('done with %j concludes %s', (facts, conclusion) => {
    expect(conclusionOf({ ...base, state: 'done', ...facts } as Run).conclusion).toBe(conclusion);
    expect(verdictOf({ ...base, state: 'done', ...facts } as Run, content)).toMatchObject({ status: 'completed', conclusion });
  });

  it('gives each cluster of a multi-cluster run its own verdict when they differ', () => {
    const run: Run = {
      ...base,
      state: 'done',
      outcome: 'failed',
      category: 'image-pull',
      clusters: [
        { cluster: 'eu', state: 'failed', objects: ['a'], detail: 'ImagePullBackOff' },
        { cluster: 'us', state: 'succeeded', objects: ['a'], detail: '' },
        { cluster: 'ap', state: 'unreachable', objects: ['a'], detail: '401' },
      ],
    };
    expect(verdictOf(run, content, 'eu').conclusion).toBe('failure');
    expect(verdictOf(run, content, 'us')).toMatchObject({ conclusion: 'success', title: 'Applied and healthy in us; another cluster did not succeed' });
    expect(verdictOf(run, content, 'ap').conclusion).toBe('neutral');
    expect(verdictOf({ ...run, outcome: 'partial' }, content).conclusion).toBe('neutral');
  });

  it('concludes a superseded run neutral', () => {
    expect(verdictOf({ ...base, state: 'superseded', outcome: 'superseded' }, content)).toMatchObject({ conclusion: 'neutral', title: 'Superseded by a later push' });
  });

  it('posts only verdict, category, stage and links by default; evidence redacted and neutralised when opted in', () => {
    const run: Run = {
      ...base,
      state: 'done',
      outcome: 'failed',
      category: 'image-pull',
      fixPr: openPr,
      failure: { object: 'Kustomization/flux-system/podinfo', reason: 'HealthCheckFailed', message: 'pull failed @octocat <img src=x>' },
      evidence: [{ source: 'pod podinfo-1', message: 'password=hunter2hunter2 Back-off pulling image' }],
    };
    const plain = verdictOf(run, content);
    expect(plain.summary).toContain('**Category:** `image-pull`');
    expect(plain.summary).toContain(openPr.url);
    expect(plain.summary).not.toContain('HealthCheckFailed');
    expect(plain.summary).not.toContain('Back-off');
    const withEvidence = verdictOf(run, { ...content, evidence: true });
    expect(withEvidence.summary).toContain('Back-off pulling image');
    expect(withEvidence.summary).not.toContain('hunter2hunter2');
    expect(withEvidence.summary).not.toMatch(/(^|[^\\])@octocat/);
    expect(withEvidence.summary).not.toMatch(/(^|[^\\])<img/);
  });
});

describe('check → commit status', () => {
  it('maps in progress to pending and conclusions to success/failure', () => {
    expect(commitStatusOf({ status: 'in_progress', title: 'x', summary: '' })).toBe('pending');
    expect(commitStatusOf({ status: 'completed', conclusion: 'success', title: 'x', summary: '' })).toBe('success');
    expect(commitStatusOf({ status: 'completed', conclusion: 'action_required', title: 'x', summary: '' })).toBe('failure');
    expect(commitStatusOf({ status: 'completed', conclusion: 'timed_out', title: 'x', summary: '' })).toBe('failure');
    expect(commitStatusOf({ status: 'completed', conclusion: 'neutral', title: 'x', summary: '' })).toBe('success');
  });

  it('keeps the description within 140 characters', () => {
    expect(statusDescription({ status: 'completed', conclusion: 'failure', title: 'x'.repeat(300), summary: '' })).toHaveLength(140);
  });

  it('tells identical updates apart from changes', () => {
    const a = { status: 'in_progress' as const, title: 'Queued', summary: '1' };
    expect(postedKey(a)).toBe(postedKey({ ...a, summary: '2' }));
    expect(postedKey(a)).not.toBe(postedKey({ ...a, title: 'Waiting for Flux to apply the commit' }));
  });
});

describe('aggregateVerdictOf', () => {
  const summary = (i: number, facts: Partial<RunSummary>): RunSummary => ({
    ...base,
    id: `run-${i}`,
    entityRef: `component:default/app-${String(i).padStart(2, '0')}`,
    ...facts,
  });
  const url = (run: RunSummary) => `https://backstage.example/${run.id}`;

  it('stays in progress while any run is, with one row per entity', () => {
    const runs = [summary(1, { state: 'done', outcome: 'succeeded' }), summary(2, { state: 'reconciling' })];
    const verdict = aggregateVerdictOf(runs, url);
    expect(verdict).toMatchObject({ status: 'in_progress', title: '1 of 2 entities still waiting for Flux' });
    expect(verdict.summary.split('\n').filter(line => line.startsWith('| [component:'))).toHaveLength(2);
  });

  it('concludes with the worst conclusion and counts each', () => {
    const runs = [
      ...Array.from({ length: 48 }, (_, i) => summary(i, { state: 'done', outcome: 'succeeded' })),
      summary(48, { state: 'done', outcome: 'failed', category: 'image-pull', fixPr: openPr }),
      summary(49, { state: 'done', outcome: 'timed_out' }),
    ];
    const verdict = aggregateVerdictOf(runs, url);
    expect(verdict).toMatchObject({ status: 'completed', conclusion: 'timed_out' });
    expect(verdict.title).toBe('50 entities: 1 timed_out, 1 action_required, 48 success');
    expect(verdict.summary).toContain(openPr.url);
  });
});
