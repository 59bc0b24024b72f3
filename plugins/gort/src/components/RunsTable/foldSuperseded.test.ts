import type { RunSummary } from '@gort-backstage/plugin-gort-common';
import { failedRunSummary } from '../../__fixtures__/gort';
import { foldSuperseded } from './foldSuperseded';

const run = (id: string, overrides: Partial<RunSummary> = {}): RunSummary => ({
  ...failedRunSummary,
  id,
  ...overrides,
});
const superseded = (id: string) =>
  run(id, { state: 'superseded', outcome: 'superseded' });

describe('foldSuperseded', () => {
  it('folds each stretch of consecutive superseded runs into one row, newest first', () => {
    const rows = foldSuperseded([
      superseded('s4'),
      run('r3'),
      superseded('s3'),
      superseded('s2'),
      superseded('s1'),
      run('r1'),
    ]);
    expect(
      rows.map(r => (r.kind === 'run' ? r.run.id : r.runs.map(x => x.id))),
    ).toEqual([['s4'], 'r3', ['s3', 's2', 's1'], 'r1']);
  });

  it('keys a fold by its oldest run, so newer superseded runs joining it keep it open', () => {
    const before = foldSuperseded([
      superseded('s2'),
      superseded('s1'),
      run('r1'),
    ]);
    const after = foldSuperseded([
      superseded('s3'),
      superseded('s2'),
      superseded('s1'),
      run('r1'),
    ]);
    expect(before[0]).toMatchObject({ kind: 'superseded', key: 's1' });
    expect(after[0]).toMatchObject({ kind: 'superseded', key: 's1' });
  });

  it('treats a done run that ended superseded like one in the superseded state', () => {
    const rows = foldSuperseded([
      run('a', { state: 'superseded', outcome: undefined }),
      run('b', { state: 'done', outcome: 'superseded' }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'superseded',
      runs: [{ id: 'a' }, { id: 'b' }],
    });
  });

  it('leaves other runs alone', () => {
    expect(
      foldSuperseded([
        run('a'),
        run('b', { state: 'reconciling', outcome: undefined }),
      ]),
    ).toEqual([
      { kind: 'run', run: expect.objectContaining({ id: 'a' }) },
      { kind: 'run', run: expect.objectContaining({ id: 'b' }) },
    ]);
  });
});
