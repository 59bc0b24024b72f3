import type { FluxObjectStatus, RunObjectVerdict } from '@gort-backstage/plugin-gort-common';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { failedStatus, podinfoWatcher } from '../../__fixtures__/gort';
import { EntityGortSummary } from '../EntityGortCard/EntityGortSummary';
import { VerdictsSection } from '../RunDetail/VerdictsSection';
import { FluxObjectsTable } from './FluxObjectsTable';

const base = failedStatus.objects[0];
const inCluster = (cluster: string, overrides: Partial<FluxObjectStatus>): FluxObjectStatus => ({
  ...base,
  object: `${cluster}:Kustomization/flux-system/podinfo`,
  cluster,
  ...overrides,
});
const objects = [
  inCluster('staging', { state: 'ready', reason: 'ReconciliationSucceeded', message: undefined }),
  inCluster('prod', { state: 'failed', reason: 'HealthCheckFailed' }),
  inCluster('edge', {
    state: 'unknown',
    reason: 'unreachable',
    message: 'cluster edge unreachable since 10:02 UTC (connect ECONNREFUSED)',
  }),
];

describe('objects grouped by cluster', () => {
  it('groups the entity tab\'s objects under one heading per cluster, with the cluster\'s worst state', async () => {
    await renderInTestApp(<FluxObjectsTable targetRepo={podinfoWatcher.targetRepo} objects={objects} />);
    const table = screen.getByRole('table', { name: 'Watched Flux objects' });
    const headings = within(table).getAllByRole('row', { name: /^Cluster / });
    expect(headings.map(h => h.getAttribute('aria-label'))).toEqual(['Cluster staging', 'Cluster prod', 'Cluster edge']);
    expect(within(headings[0]).getByText('Ready')).toBeInTheDocument();
    expect(within(headings[1]).getByText('Failed')).toBeInTheDocument();
    expect(within(headings[2]).getByText('Unknown')).toBeInTheDocument();
    expect(within(table).getByText(/cluster edge unreachable since 10:02 UTC/)).toBeInTheDocument();
  });

  it('keeps one flat table for a single cluster', async () => {
    await renderInTestApp(<FluxObjectsTable targetRepo={podinfoWatcher.targetRepo} objects={[objects[1]]} />);
    expect(screen.queryAllByRole('row', { name: /^Cluster / })).toHaveLength(0);
  });

  it('sums the card up per cluster', async () => {
    await renderInTestApp(
      <EntityGortSummary status={{ ...failedStatus, objects }} openFixPrs={[]} runLink={id => `/runs/${id}`} />,
    );
    expect(screen.getByText(/3 objects in 3 clusters/)).toBeInTheDocument();
    expect(screen.getByLabelText('Cluster staging: Ready')).toBeInTheDocument();
    expect(screen.getByLabelText('Cluster prod: Failed')).toBeInTheDocument();
    expect(screen.getByLabelText('Cluster edge: Unknown')).toBeInTheDocument();
  });

  it('groups a run\'s verdicts by cluster and says which cluster failed and which was not judged', async () => {
    const verdict = (cluster: string, state: RunObjectVerdict['state'], detail: string): RunObjectVerdict => ({
      object: `${cluster}:Kustomization/flux-system/podinfo`,
      cluster,
      state,
      detail,
      at: '2026-12-01T10:05:00Z',
    });
    await renderInTestApp(
      <VerdictsSection
        verdicts={[
          verdict('staging', 'succeeded', 'applied and healthy at 9f3b1c2'),
          verdict('prod', 'failed', 'Ready=False (HealthCheckFailed)'),
          verdict('edge', 'unreachable', 'cluster edge unreachable since 10:02 UTC'),
        ]}
      />,
    );
    const table = screen.getByRole('table', { name: 'Object verdicts' });
    const [staging, prod, edge] = within(table).getAllByRole('row', { name: /^Cluster / });
    expect(within(staging).getByText('Succeeded')).toBeInTheDocument();
    expect(within(prod).getByText('Failed')).toBeInTheDocument();
    expect(within(edge).getByText('Not judged')).toBeInTheDocument();
    expect(within(table).getByText('Cluster unreachable')).toBeInTheDocument();
  });
});
