import { fluxObjectState } from './objectState';

const ks = (conditions: object[], extra: Record<string, any> = {}) => ({
  kind: 'Kustomization',
  metadata: { name: 'a', namespace: 'b', generation: 2 },
  spec: extra.spec ?? {},
  status: { observedGeneration: extra.observed ?? 2, conditions },
});
const cond = (type: string, status: string, reason = 'R', message = 'M') => ({ type, status, reason, message });

describe('fluxObjectState', () => {
  it.each([
    [ks([cond('Ready', 'True', 'ReconciliationSucceeded')]), 'ready'],
    [ks([cond('Ready', 'True')], { observed: 1 }), 'reconciling'],
    [ks([cond('Ready', 'Unknown', 'Progressing'), cond('Reconciling', 'True')]), 'reconciling'],
    [ks([cond('Ready', 'False', 'BuildFailed')]), 'failed'],
    [ks([cond('Ready', 'False', 'BuildFailed'), cond('Stalled', 'True', 'InvalidPath', 'path')]), 'stalled'],
    [ks([cond('Ready', 'True')], { spec: { suspend: true } }), 'suspended'],
    [ks([]), 'unknown'],
    [undefined, 'not_found'],
  ])('%#: %s', (object, state) => {
    expect(fluxObjectState(object as any).state).toBe(state);
  });

  it('explains a stalled object with its Stalled condition, the more precise one', () => {
    expect(fluxObjectState(ks([cond('Ready', 'False', 'BuildFailed', 'x'), cond('Stalled', 'True', 'InvalidPath', 'path not found')]) as any)).toEqual({
      state: 'stalled',
      reason: 'InvalidPath',
      message: 'path not found',
    });
  });
});
