import { combineVerdicts, isForwardMove, ObjectJudgement } from './combineVerdicts';

const j = (object: string, state: ObjectJudgement['state'], detail: string = state): ObjectJudgement => ({
  object,
  state,
  detail,
  at: '2026-11-23T10:00:00Z',
});

describe('combineVerdicts', () => {
  it('fails when any object failed, naming it', () => {
    const failed = { ...j('Kustomization/a/b', 'failed', 'Ready=False (BuildFailed)'), failure: { object: 'Kustomization/a/b', reason: 'BuildFailed', message: 'x' } };
    expect(combineVerdicts([j('Kustomization/a/a', 'succeeded'), failed])).toEqual({
      state: 'failed',
      message: 'Kustomization/a/b: Ready=False (BuildFailed)',
      failure: failed.failure,
    });
  });

  it('succeeds only when every object landed', () => {
    expect(combineVerdicts([j('x', 'succeeded'), j('y', 'succeeded')]).state).toBe('succeeded');
    expect(combineVerdicts([j('x', 'succeeded'), j('y', 'reconciling', 'Progressing')])).toEqual({
      state: 'reconciling',
      message: 'y: Progressing',
    });
    expect(combineVerdicts([]).state).toBe('reconciling');
  });

  it('waits for the source before anything else', () => {
    expect(combineVerdicts([j('x', 'reconciling'), j('y', 'waiting_for_source', 'at abc')])).toEqual({
      state: 'waiting_for_source',
      message: 'y: at abc',
    });
  });
});

describe('isForwardMove', () => {
  it('never goes back through the waiting states', () => {
    expect(isForwardMove('queued', 'waiting_for_source')).toBe(true);
    expect(isForwardMove('waiting_for_source', 'reconciling')).toBe(true);
    expect(isForwardMove('reconciling', 'waiting_for_source')).toBe(false);
    expect(isForwardMove('reconciling', 'reconciling')).toBe(false);
    expect(isForwardMove('reconciling', 'failed')).toBe(true);
  });
});

describe('combineVerdicts across clusters', () => {
  const v = (cluster: string, state: ObjectJudgement['state'], detail: string): ObjectJudgement => ({
    object: `${cluster}:Kustomization/flux-system/podinfo`,
    cluster,
    state,
    detail,
    at: '2026-12-01T10:00:00Z',
    ...(state === 'failed'
      ? { failure: { object: `${cluster}:Kustomization/flux-system/podinfo`, reason: 'BuildFailed', message: detail } }
      : {}),
  });

  it('waits for the other cluster before failing, then names the failing cluster', () => {
    const failing = v('prod', 'failed', 'Ready=False (BuildFailed)');
    expect(combineVerdicts([v('staging', 'reconciling', 'at the previous commit'), failing])).toMatchObject({
      state: 'reconciling',
      message: expect.stringContaining('failed in cluster prod; waiting for staging:Kustomization/flux-system/podinfo in cluster staging'),
    });
    expect(combineVerdicts([v('staging', 'succeeded', 'applied'), failing])).toEqual({
      state: 'failed',
      message: 'Failed in cluster prod: prod:Kustomization/flux-system/podinfo: Ready=False (BuildFailed); landed in cluster staging',
      failure: failing.failure,
    });
  });

  it('fails at the deadline with what is known, even if another cluster is still pending', () => {
    expect(
      combineVerdicts([v('staging', 'reconciling', 'x'), v('prod', 'failed', 'Ready=False (BuildFailed)')], { final: true }).state,
    ).toBe('failed');
  });

  it('does not wait for an unreachable cluster to fail another, and names what was not judged', () => {
    const result = combineVerdicts([
      v('staging', 'unreachable', 'cluster staging unreachable since 10:02 UTC (connect ECONNREFUSED)'),
      v('prod', 'failed', 'Ready=False (BuildFailed)'),
    ]);
    expect(result.state).toBe('failed');
    expect(result.message).toContain('not judged: cluster staging unreachable since 10:02 UTC');
    expect(result.notJudged).toEqual(['cluster staging unreachable since 10:02 UTC (connect ECONNREFUSED)']);
  });

  it('waits for an unreachable cluster until the deadline, then ends partial with the other verdicts intact', () => {
    const judgements = [
      v('staging', 'succeeded', 'applied abc'),
      v('prod', 'unreachable', 'cluster prod unreachable since 10:02 UTC (connect ECONNREFUSED)'),
    ];
    expect(combineVerdicts(judgements)).toMatchObject({
      state: 'reconciling',
      message: 'Waiting for cluster prod unreachable since 10:02 UTC (connect ECONNREFUSED)',
    });
    expect(combineVerdicts(judgements, { final: true })).toEqual({
      state: 'partial',
      message:
        'Landed: staging:Kustomization/flux-system/podinfo in cluster staging; not judged: cluster prod unreachable since 10:02 UTC (connect ECONNREFUSED)',
      notJudged: ['cluster prod unreachable since 10:02 UTC (connect ECONNREFUSED)'],
    });
  });

  it('keeps the single-cluster messages as they were', () => {
    const one = { ...v('demo', 'failed', 'Ready=False (BuildFailed)'), object: 'Kustomization/flux-system/podinfo' };
    expect(combineVerdicts([one]).message).toBe('Kustomization/flux-system/podinfo: Ready=False (BuildFailed)');
  });
});

describe('combineVerdicts with a cluster that does not serve the kind', () => {
  const served = (cluster: string, state: ObjectJudgement['state'], detail: string): ObjectJudgement => ({
    object: `${cluster}:Kustomization/flux-system/podinfo`,
    cluster,
    state,
    detail,
    at: '2026-12-01T10:00:00Z',
  });
  const notServed: ObjectJudgement = {
    ...served('edge', 'unobservable', 'Kustomization flux-system/podinfo cannot be read in cluster edge: not served'),
    because: 'kind-not-served',
    clusterProblem: 'kinds-not-served',
  };

  it('ends partial at once when the other clusters landed', () => {
    expect(combineVerdicts([served('staging', 'succeeded', 'applied'), notServed])).toMatchObject({
      state: 'partial',
      notJudged: [notServed.detail],
    });
  });

  it('lets the other clusters decide while they are on their way', () => {
    expect(combineVerdicts([served('staging', 'reconciling', 'at the previous commit'), notServed]).state).toBe('reconciling');
  });

  it('is unobservable when no cluster serves it', () => {
    expect(combineVerdicts([notServed]).state).toBe('unobservable');
  });
});
