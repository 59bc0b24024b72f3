import { FluxObjectStatus } from '@gort-backstage/plugin-gort-common';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { failedStatus, podinfoWatcher } from '../../__fixtures__/gort';
import { FluxObjectsTable } from './FluxObjectsTable';

const base = failedStatus.objects[0];

function object(overrides: Partial<FluxObjectStatus>): FluxObjectStatus {
  return { ...base, ...overrides };
}

describe('FluxObjectsTable', () => {
  it('names every Flux state in words next to its icon', async () => {
    await renderInTestApp(
      <FluxObjectsTable
        targetRepo={podinfoWatcher.targetRepo}
        objects={[
          object({
            object: 'a',
            name: 'a',
            state: 'stalled',
            reason: 'InvalidPath',
          }),
          object({
            object: 'b',
            name: 'b',
            state: 'suspended',
            reason: undefined,
            message: undefined,
          }),
          object({
            object: 'c',
            name: 'c',
            state: 'not_found',
            message: 'Kustomization flux-system/c not found',
            lastAppliedRevision: undefined,
            source: undefined,
          }),
          object({
            object: 'd',
            name: 'd',
            state: 'reconciling',
            observedGenerationCurrent: false,
          }),
        ]}
      />,
    );
    const table = screen.getByRole('table', { name: 'Watched Flux objects' });
    for (const label of ['Stalled', 'Suspended', 'Not found', 'Reconciling']) {
      expect(within(table).getByText(label)).toBeInTheDocument();
    }
    expect(within(table).getByText('InvalidPath')).toBeInTheDocument();
    expect(
      within(table).getByText(/not processed the latest spec/),
    ).toBeInTheDocument();
    expect(within(table).getAllByText('unknown').length).toBeGreaterThan(0);
  });

  it('shows the source revision and when the source is not ready', async () => {
    await renderInTestApp(
      <FluxObjectsTable
        targetRepo={podinfoWatcher.targetRepo}
        objects={[
          object({
            source: {
              ...base.source!,
              ready: false,
              message:
                'failed to checkout and determine revision: authentication required',
            },
          }),
        ]}
      />,
    );
    expect(screen.getByText('Not ready')).toBeInTheDocument();
    expect(screen.getByText(/authentication required/)).toBeInTheDocument();
    expect(
      screen.getByText('GitRepository/flux-system/podinfo'),
    ).toBeInTheDocument();
  });
});
