import { FluxObjectStatus } from '@gort-backstage/plugin-gort-common';
import { isRunActive, runPresentation, worstFluxState } from './states';

function object(state: FluxObjectStatus['state']): FluxObjectStatus {
  return {
    object: `Kustomization/flux-system/${state}`,
    kind: 'Kustomization',
    namespace: 'flux-system',
    name: state,
    state,
    observedGenerationCurrent: true,
  };
}

describe('worstFluxState', () => {
  it('puts failures before everything else', () => {
    expect(
      worstFluxState([
        object('ready'),
        object('failed'),
        object('reconciling'),
      ]),
    ).toBe('failed');
    expect(worstFluxState([object('ready'), object('suspended')])).toBe(
      'suspended',
    );
    expect(worstFluxState([object('ready')])).toBe('ready');
    expect(worstFluxState([])).toBe('unknown');
  });
});

describe('runPresentation', () => {
  it('shows how a done run ended', () => {
    expect(runPresentation({ state: 'done', outcome: 'failed' })).toEqual({
      kind: 'error',
      label: 'Failed',
    });
    expect(runPresentation({ state: 'done', outcome: 'succeeded' })).toEqual({
      kind: 'ok',
      label: 'Succeeded',
    });
    expect(runPresentation({ state: 'reconciling' }).label).toBe('Reconciling');
  });

  it('knows which runs are still being worked on', () => {
    expect(isRunActive({ state: 'diagnosing' })).toBe(true);
    expect(isRunActive({ state: 'done' })).toBe(false);
    expect(isRunActive(undefined)).toBe(false);
  });
});
