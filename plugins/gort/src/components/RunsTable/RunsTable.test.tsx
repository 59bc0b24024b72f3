import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { RunSummary } from '@gort-backstage/plugin-gort-common';
import { failedRunSummary } from '../../__fixtures__/gort';
import { RunsTable, RunsTableProps } from './RunsTable';

function props(overrides: Partial<RunsTableProps>): RunsTableProps {
  return {
    runs: [],
    runPath: run => `runs/${run.id}`,
    onOutcomeChange: jest.fn(),
    page: 1,
    hasNextPage: false,
    hasPreviousPage: false,
    onNextPage: jest.fn(),
    onPreviousPage: jest.fn(),
    ...overrides,
  };
}

describe('RunsTable', () => {
  it('explains an empty history', async () => {
    await renderInTestApp(<RunsTable {...props({})} />);
    expect(screen.getByText(/No run yet/)).toBeInTheDocument();
  });

  it('explains an empty filter result', async () => {
    await renderInTestApp(<RunsTable {...props({ outcome: 'timed_out' })} />);
    expect(
      screen.getByText('No run ended as "Timed out".'),
    ).toBeInTheDocument();
  });

  it('shows a run in progress, a manual trigger and a fix that was not opened', async () => {
    const running: RunSummary = {
      ...failedRunSummary,
      state: 'reconciling',
      outcome: undefined,
      category: undefined,
      trigger: 'manual',
      finishedAt: undefined,
      fixPr: { status: 'rejected' },
    };
    await renderInTestApp(<RunsTable {...props({ runs: [running] })} />);
    const row = within(
      screen.getByRole('table', { name: 'GORT runs' }),
    ).getAllByRole('row')[1];
    expect(within(row).getByText('Reconciling')).toBeInTheDocument();
    expect(within(row).getByText(/run by hand/)).toBeInTheDocument();
    expect(within(row).getByText('rejected')).toBeInTheDocument();
  });
});
