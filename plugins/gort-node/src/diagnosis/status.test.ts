import { isFailing, readFluxStatus } from './status';

const withConditions = (
  conditions: object[],
  generation = 2,
  observed = 2,
) => ({
  kind: 'Kustomization',
  metadata: { name: 'apps', generation },
  status: { observedGeneration: observed, conditions },
});

describe('readFluxStatus', () => {
  it('takes Ready=False as the failure', () => {
    const status = readFluxStatus(
      withConditions([
        { type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'x' },
        { type: 'Reconciling', status: 'True', reason: 'Progressing' },
      ]),
    );
    expect(status).toMatchObject({
      ready: 'False',
      stalled: false,
      reconciling: true,
      observedCurrentGeneration: true,
      failure: { reason: 'BuildFailed' },
    });
    expect(status.stalledCondition).toBeUndefined();
  });

  it('keeps Stalled=True aside when Ready=False explains the failure', () => {
    const status = readFluxStatus(
      withConditions([
        {
          type: 'Ready',
          status: 'False',
          reason: 'UpgradeFailed',
          message: 'x',
        },
        {
          type: 'Stalled',
          status: 'True',
          reason: 'RetriesExceeded',
          message: 'y',
        },
      ]),
    );
    expect(status.failure?.reason).toBe('UpgradeFailed');
    expect(status.stalledCondition?.reason).toBe('RetriesExceeded');
  });

  it('uses Stalled=True when Ready is Unknown', () => {
    const obj = withConditions([
      { type: 'Ready', status: 'Unknown', reason: 'Progressing' },
      { type: 'Stalled', status: 'True', reason: 'InvalidPath', message: 'z' },
    ]);
    expect(readFluxStatus(obj).failure?.reason).toBe('InvalidPath');
    expect(isFailing(obj)).toBe(true);
  });

  it('is not failing while reconciling or when Ready=True', () => {
    expect(
      isFailing(
        withConditions([
          { type: 'Ready', status: 'Unknown', reason: 'Progressing' },
        ]),
      ),
    ).toBe(false);
    expect(
      isFailing(
        withConditions([
          { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' },
        ]),
      ),
    ).toBe(false);
    expect(isFailing({ kind: 'Kustomization', metadata: { name: 'x' } })).toBe(
      false,
    );
  });

  it('notices a status older than the spec', () => {
    expect(
      readFluxStatus(withConditions([], 3, 2)).observedCurrentGeneration,
    ).toBe(false);
    expect(
      readFluxStatus(withConditions([], 3, 3)).observedCurrentGeneration,
    ).toBe(true);
  });
});
