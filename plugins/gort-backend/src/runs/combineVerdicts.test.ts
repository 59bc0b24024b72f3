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
