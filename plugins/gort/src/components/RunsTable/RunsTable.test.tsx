import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RunSummary } from '@gort-backstage/plugin-gort-common';
import { useState } from 'react';
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

  describe('superseded runs', () => {
    const superseded = (n: number): RunSummary => ({
      ...failedRunSummary,
      id: `superseded-${n}`,
      sha: `${n}`.repeat(40).slice(0, 40),
      state: 'superseded',
      outcome: 'superseded',
      category: undefined,
      fixPr: undefined,
      supersededBy: 'a-newer-run',
    });
    // newest first, as the API lists them: a burst of three superseded pushes
    const runs = [
      { ...failedRunSummary, id: 'latest' },
      superseded(3),
      superseded(2),
      superseded(1),
    ];
    // Label queries inside the table: whole-page role queries are slow in jsdom.
    const table = () => screen.getByLabelText('GORT runs') as HTMLTableElement;
    const runLinks = () =>
      within(table()).queryAllByLabelText(/^Run \w+: .*, open details$/);
    const toggle = (name: string) =>
      within(table()).getByText(name).closest('button')!;

    it('are folded into one row by default, and can be expanded and folded again', async () => {
      await renderInTestApp(<RunsTable {...props({ runs })} />);
      expect(table().rows).toHaveLength(1 + 2);
      expect(runLinks().map(link => link.getAttribute('aria-label'))).toEqual([
        'Run 9f3b1c2: Failed, open details',
      ]);
      const show = toggle('Show 3 superseded runs');
      expect(show).toHaveAttribute('aria-expanded', 'false');
      expect(
        within(table()).getByText(/3333333 … 1111111: a newer push arrived/),
      ).toBeInTheDocument();

      await userEvent.click(show);
      expect(toggle('Hide 3 superseded runs')).toHaveAttribute(
        'aria-expanded',
        'true',
      );
      expect(runLinks().map(link => link.getAttribute('aria-label'))).toEqual([
        'Run 9f3b1c2: Failed, open details',
        'Run 3333333: Superseded, open details',
        'Run 2222222: Superseded, open details',
        'Run 1111111: Superseded, open details',
      ]);

      await userEvent.click(toggle('Hide 3 superseded runs'));
      expect(runLinks()).toHaveLength(1);
    });

    it('stay open when a newer superseded run joins the fold (live update)', async () => {
      let setLiveRuns: (next: RunSummary[]) => void = () => {};
      function LiveRunsTable() {
        const [live, setLive] = useState(runs.slice(1));
        setLiveRuns = setLive;
        return <RunsTable {...props({ runs: live })} />;
      }
      await renderInTestApp(<LiveRunsTable />);
      await userEvent.click(toggle('Show 3 superseded runs'));
      act(() => setLiveRuns([superseded(4), ...runs.slice(1)]));
      expect(toggle('Hide 4 superseded runs')).toBeInTheDocument();
      expect(runLinks()).toHaveLength(4);
    });

    it('are listed one by one when the outcome filter asks for them', async () => {
      await renderInTestApp(
        <RunsTable
          {...props({ runs: runs.slice(1), outcome: 'superseded' })}
        />,
      );
      expect(
        within(table()).queryByText(/superseded run/),
      ).not.toBeInTheDocument();
      expect(runLinks()).toHaveLength(3);
    });
  });
});
