import type { Run, RunSummary } from '@gort-backstage/plugin-gort-common';
import type { CliIo } from '../../io';
import { main } from '../../main';
import { GortApi, GortApiError } from './client';
import { FollowArgs, FollowEnvironment, runFollow } from './follow';
import { journeyOf } from './journey';
import { followResult } from './result';

const SHA = 'abcdef1234567890abcdef1234567890abcdef12';

function run(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    entityRef: 'component:default/podinfo',
    repo: 'acme/gitops',
    branch: 'main',
    sha: SHA,
    trigger: 'push',
    state: 'queued',
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
    deadlineAt: '2026-12-01T10:10:00Z',
    objects: [],
    timeline: [],
    verdicts: [],
    evidence: [],
    ...overrides,
  };
}

const verdict = (
  state: Run['verdicts'][number]['state'],
  extra: Partial<Run['verdicts'][number]> = {},
) => ({
  object: 'Kustomization/flux-system/podinfo',
  state,
  detail: `is ${state}`,
  at: '2026-12-01T10:01:00Z',
  ...extra,
});

const succeeded = run({
  state: 'done',
  outcome: 'succeeded',
  verdicts: [verdict('succeeded', { health: 'healthy' })],
});
const failed = run({
  state: 'done',
  outcome: 'failed',
  category: 'image-pull',
  verdicts: [verdict('failed')],
  failure: {
    object: 'Kustomization/flux-system/podinfo',
    reason: 'HealthCheckFailed',
    message: 'Deployment/shop/podinfo not ready',
  },
  diagnosis: {
    category: 'image-pull',
    object: 'Deployment/shop/podinfo',
    summary: 'The image ghcr.io/acme/podinfo:9.9.9 does not exist',
    fix: 'Use an image tag that exists',
    confidence: 0.9,
    evidence: [],
    related: [],
  },
  fixPr: {
    status: 'opened',
    message: 'Fix image tag',
    url: 'https://github.example/acme/gitops/pull/7',
    number: 7,
    validation: [],
  },
});

describe('journeyOf', () => {
  it('walks the steps of a healthy run', () => {
    expect(
      journeyOf(run({ state: 'waiting_for_source' })).steps.map(s => s.status),
    ).toEqual([
      'active',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(
      journeyOf(
        run({ state: 'reconciling', verdicts: [verdict('reconciling')] }),
      ).steps.map(s => s.status),
    ).toEqual(['done', 'active', 'pending', 'pending', 'pending', 'pending']);
    const done = journeyOf(succeeded);
    expect(done.steps.map(s => [s.id, s.status])).toEqual([
      ['source', 'done'],
      ['apply', 'done'],
      ['health', 'done'],
      ['verdict', 'done'],
      ['diagnosis', 'skipped'],
      ['fixPr', 'skipped'],
    ]);
    expect(done).toMatchObject({ finished: true, failed: false });
  });

  it('puts a health check failure on the health step, with the diagnosis and fix PR', () => {
    const journey = journeyOf(failed);
    expect(journey.steps.map(s => [s.id, s.status])).toEqual([
      ['source', 'done'],
      ['apply', 'done'],
      ['health', 'failed'],
      ['verdict', 'failed'],
      ['diagnosis', 'done'],
      ['fixPr', 'done'],
    ]);
    expect(journey.failed).toBe(true);
    expect(journey.diagnosis?.category).toBe('image-pull');
    expect(journey.steps[5].detail).toContain('pull/7');
  });

  it('fails on apply for a build error, and says when Flux did not wait for health', () => {
    const build = journeyOf(
      run({
        state: 'diagnosing',
        outcome: 'failed',
        failure: {
          object: 'K',
          reason: 'BuildFailed',
          message: 'kustomize build failed',
        },
      }),
    );
    expect(build.steps.map(s => s.status).slice(0, 3)).toEqual([
      'done',
      'failed',
      'pending',
    ]);
    expect(build.finished).toBe(false);
    const applied = journeyOf(
      run({
        state: 'done',
        outcome: 'succeeded',
        verdicts: [verdict('succeeded', { health: 'applied' })],
      }),
    );
    expect(applied.steps[2]).toMatchObject({
      status: 'skipped',
      detail: expect.stringMatching(/without waiting for health/),
    });
  });

  it('counts an unmet intent and an error as failures, a superseded run as neither', () => {
    expect(
      journeyOf({
        ...succeeded,
        intent: {
          met: false,
          confidence: 0.8,
          findings: [],
          mode: 'ai',
          plans: [],
        },
      }).failed,
    ).toBe(true);
    expect(journeyOf(run({ state: 'error', error: 'no cluster' })).failed).toBe(
      true,
    );
    expect(
      journeyOf(run({ state: 'superseded', outcome: 'superseded' })),
    ).toMatchObject({ finished: true, failed: false });
  });
});

describe('followResult', () => {
  const ok = journeyOf(succeeded);
  const bad = journeyOf(failed);
  const running = journeyOf(run({ state: 'reconciling' }));
  it('decides once every run ended, or at the deadline', () => {
    expect(followResult([], false)).toBeUndefined();
    expect(followResult([], true)).toBe('no_runs');
    expect(followResult([ok], false)).toBe('succeeded');
    expect(followResult([ok, bad], false)).toBe('failed');
    expect(followResult([bad, running], false)).toBeUndefined();
    expect(followResult([bad, running], true)).toBe('failed');
    expect(followResult([ok, running], true)).toBe('timed_out');
  });
});

function fakeEnv(options: {
  script: Run[][];
  tty?: boolean;
  env?: Record<string, string>;
  error?: GortApiError;
  /** Ticks at which the backend cannot be reached. */
  unreachableAt?: number[];
}) {
  const out: string[] = [];
  const err: string[] = [];
  let clock = 0;
  let tick = 0;
  const gitCalls: string[][] = [];
  const calls = { commitRuns: 0 };
  const io: CliIo = {
    stdin: '',
    stdout: { write: (t: string) => out.push(t), isTTY: options.tty ?? false },
    stderr: { write: (t: string) => err.push(t) },
    env: {
      GORT_TOKEN: 'user-token',
      GORT_BACKEND_URL: 'http://backstage.test',
      ...options.env,
    },
    readFile: async () => '',
  };
  const current = () =>
    options.script[Math.min(tick, options.script.length - 1)];
  const api: GortApi = {
    async commitRuns(sha) {
      calls.commitRuns += 1;
      if (options.error) throw options.error;
      if (options.unreachableAt?.includes(tick))
        throw new GortApiError('cannot reach', 'network');
      const items: RunSummary[] = current().map(
        ({ timeline, verdicts, evidence, objects, ...summary }) => summary,
      );
      return { sha, items };
    },
    async run(id) {
      return current().find(r => r.id === id);
    },
  };
  const seen: { backendUrl?: string; token?: string } = {};
  const env: FollowEnvironment = {
    io,
    git: async args => {
      gitCalls.push(args);
      if (args[0] === 'rev-parse' && args.includes('HEAD^{commit}')) return SHA;
      if (args[0] === 'rev-parse' && args.includes('--git-dir')) return '.git';
      if (args[0] === 'config' && args[1] === '--get') throw new Error('unset');
      if (args[0] === 'config') return '';
      throw new Error('unknown revision');
    },
    shell: async () => 'from-command',
    api: (backendUrl, token) => {
      Object.assign(seen, { backendUrl, token });
      return api;
    },
    now: () => clock,
    sleep: async ms => {
      clock += ms;
      tick += 1;
    },
  };
  return {
    env,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    gitCalls,
    seen,
    calls,
  };
}

const args = (overrides: Partial<FollowArgs> = {}): FollowArgs => ({
  waitForRuns: '10s',
  timeout: '1m',
  pollInterval: '2s',
  json: false,
  install: false,
  alias: 'push-follow',
  gortCommand: 'gort',
  ...overrides,
});

describe('gort follow', () => {
  it('follows HEAD to success: exit 0, one plain line per change', async () => {
    const t = fakeEnv({
      script: [
        [],
        [run({ state: 'waiting_for_source' })],
        [run({ state: 'reconciling', verdicts: [verdict('reconciling')] })],
        [succeeded],
      ],
    });
    expect(await runFollow(args(), t.env)).toBe(0);
    expect(t.seen).toEqual({
      backendUrl: 'http://backstage.test',
      token: 'user-token',
    });
    const lines = t.stdout().trim().split('\n');
    expect(lines[0]).toBe(`gort follow ${SHA}`);
    expect(lines).toContain('component:default/podinfo: following run run-1');
    expect(lines).toContain(
      'component:default/podinfo: source fetched done (abcdef1 fetched)',
    );
    expect(lines[lines.length - 1]).toBe(
      '✓ abcdef123456 landed for component:default/podinfo',
    );
    expect(t.stdout()).not.toContain('\u001b[');
  });

  it('exits 1 with the diagnosis and fix PR of a failure', async () => {
    const t = fakeEnv({ script: [[run({ state: 'reconciling' })], [failed]] });
    expect(await runFollow(args(), t.env)).toBe(1);
    expect(t.stdout()).toContain(
      'Diagnosis: image-pull in Deployment/shop/podinfo (confidence 0.90)',
    );
    expect(t.stdout()).toContain('Fix:       Use an image tag that exists');
    expect(t.stdout()).toContain(
      'Fix PR:    https://github.example/acme/gitops/pull/7 (opened)',
    );
  });

  it('exits 3 when no run appears within --wait-for-runs, 1 when a run does not end in time', async () => {
    const none = fakeEnv({ script: [[]] });
    expect(
      await runFollow(
        args({ waitForRuns: '5s', pollInterval: '1s' }),
        none.env,
      ),
    ).toBe(3);
    expect(none.stdout()).toMatch(/No entity follows abcdef123456/);
    const slow = fakeEnv({ script: [[run({ state: 'reconciling' })]] });
    expect(await runFollow(args({ timeout: '6s' }), slow.env)).toBe(1);
    expect(slow.stdout()).toMatch(/gave up waiting/);
  });

  it('exits 2 on authentication and network errors, and without a token', async () => {
    const auth = fakeEnv({
      script: [[]],
      error: new GortApiError(
        'the backend refused the token (401)',
        'auth',
        401,
      ),
    });
    expect(await runFollow(args(), auth.env)).toBe(2);
    expect(auth.stderr()).toMatch(/refused the token/);
    const network = fakeEnv({
      script: [[]],
      error: new GortApiError('cannot reach', 'network'),
    });
    expect(await runFollow(args(), network.env)).toBe(2);
    const noToken = fakeEnv({ script: [[]], env: { GORT_TOKEN: '' } });
    expect(await runFollow(args(), noToken.env)).toBe(2);
    expect(noToken.stderr()).toMatch(/backstage-cli auth print-token/);
  });

  it('exits 2 at once when the backend never answered, and rides out a blip once it has', async () => {
    const down = fakeEnv({ script: [[]], unreachableAt: [0, 1, 2, 3] });
    expect(await runFollow(args({ waitForRuns: '1s' }), down.env)).toBe(2);
    expect(down.calls.commitRuns).toBe(1);
    const blip = fakeEnv({
      script: [[run({ state: 'reconciling' })], [], [succeeded]],
      unreachableAt: [1],
    });
    expect(await runFollow(args(), blip.env)).toBe(0);
  });

  it('takes the token from --token-command when GORT_TOKEN is not set', async () => {
    const t = fakeEnv({ script: [[succeeded]], env: { GORT_TOKEN: '' } });
    expect(
      await runFollow(
        args({ tokenCommand: 'backstage-cli auth print-token' }),
        t.env,
      ),
    ).toBe(0);
    expect(t.seen.token).toBe('from-command');
  });

  it('prints one versioned JSON document with --json', async () => {
    const t = fakeEnv({ script: [[run({ state: 'reconciling' })], [failed]] });
    expect(await runFollow(args({ json: true }), t.env)).toBe(1);
    const doc = JSON.parse(t.stdout());
    expect(doc).toMatchObject({
      schema: 'gort.follow/v1',
      sha: SHA,
      result: 'failed',
      exitCode: 1,
    });
    expect(doc.entities[0]).toMatchObject({
      entityRef: 'component:default/podinfo',
      failed: true,
      diagnosis: { category: 'image-pull' },
    });
    expect(doc.entities[0].steps.map((s: { id: string }) => s.id)).toEqual([
      'source',
      'apply',
      'health',
      'verdict',
      'diagnosis',
      'fixPr',
    ]);
  });

  it('redraws in place on a terminal', async () => {
    const t = fakeEnv({
      script: [[run({ state: 'reconciling' })], [succeeded]],
      tty: true,
      env: { NO_COLOR: '1' },
    });
    expect(await runFollow(args(), t.env)).toBe(0);
    // the second frame moves the cursor up over the first and clears it
    expect(t.stdout()).toContain('\u001b[8F\u001b[0J');
    expect(t.stdout()).toContain('    ✓ health checks  healthy');
  });

  it('--install writes the push-then-follow alias and the backend URL to the repository config', async () => {
    const t = fakeEnv({ script: [[]] });
    expect(
      await runFollow(
        args({ install: true, backendUrl: 'https://backstage.example.com' }),
        t.env,
      ),
    ).toBe(0);
    expect(t.gitCalls).toContainEqual([
      'config',
      '--local',
      'alias.push-follow',
      '!f() { git push "$@" && gort follow; }; f',
    ]);
    expect(t.gitCalls).toContainEqual([
      'config',
      '--local',
      'gort.backendUrl',
      'https://backstage.example.com',
    ]);
    expect(t.stdout()).toMatch(/git push-follow/);
  });

  it('refuses bad durations and a missing backend as usage errors (exit 2)', async () => {
    const out: string[] = [];
    const io: CliIo = {
      stdin: '',
      stdout: { write: t => out.push(t) },
      stderr: { write: t => out.push(t) },
      env: {},
      readFile: async () => '',
    };
    expect(await main(['follow', SHA, '--timeout', 'soon'], io)).toBe(2);
    expect(out.join('')).toMatch(/--timeout: expected a duration/);
  });
});
