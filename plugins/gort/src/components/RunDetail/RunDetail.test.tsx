import { signalApiRef, SignalApi } from '@backstage/plugin-signals-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { gortApiRef, GortApi } from '../../api';
import { FAILED_RUN_ID, failedRun, GOOD_RUN_ID } from '../../__fixtures__/gort';
import { backendError, fakeGortApi } from '../../__fixtures__/fakeGortApi';
import { RunDetail } from './RunDetail';

async function renderRun(
  runId: string,
  api: GortApi = fakeGortApi(),
  signalApi?: SignalApi,
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gortApiRef, api],
        ...(signalApi ? [[signalApiRef, signalApi] as const] : []),
      ]}
    >
      <Routes>
        <Route
          path="/gitops/*"
          element={
            <Routes>
              <Route path="runs/:runId" element={<RunDetail />} />
            </Routes>
          }
        />
      </Routes>
    </TestApiProvider>,
    { routeEntries: [`/gitops/runs/${runId}`] },
  );
  return api;
}

describe('RunDetail', () => {
  it('shows the timeline, diagnosis, evidence, verdicts, AI analysis and fix PR of a failed run', async () => {
    await renderRun(FAILED_RUN_ID);
    expect(
      await screen.findByRole('heading', { name: /Run of 9f3b1c2/ }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Back to runs/ })).toHaveAttribute(
      'href',
      '/gitops',
    );

    const timeline = screen.getByRole('list', { name: 'Run timeline' });
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(
      failedRun.timeline.length,
    );
    expect(
      within(timeline).getByText('2026-11-23 09:45:40 UTC'),
    ).toBeInTheDocument();
    expect(
      within(timeline).getByText('Waiting for source'),
    ).toBeInTheDocument();

    expect(
      screen.getByRole('heading', { name: 'Diagnosis' }),
    ).toBeInTheDocument();
    expect(screen.getAllByText('image-pull').length).toBeGreaterThan(0);
    expect(
      screen.getByText(/cannot pull ghcr.io\/stefanprodan\/podinfo:6.7.2x/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/back to an existing tag \(6.7.1\)/),
    ).toBeInTheDocument();
    expect(screen.getByText('92%')).toBeInTheDocument();

    expect(
      screen.getByRole('heading', { name: 'Evidence' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('waiting: ImagePullBackOff (restarts 0)'),
    ).toBeInTheDocument();
    const logs = screen.getByRole('region', {
      name: 'logs podinfo/podinfo-7d9f8b6c5-x2k4q podinfo',
    });
    expect(within(logs).getByText(/token=\[REDACTED\]/)).toBeInTheDocument();

    const verdicts = screen.getByRole('table', { name: 'Object verdicts' });
    expect(
      within(verdicts).getByText('HealthCheckFailed at the pushed revision'),
    ).toBeInTheDocument();

    expect(
      screen.getByRole('heading', { name: 'AI analysis' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('anthropic / claude-sonnet-4-5'),
    ).toBeInTheDocument();
    expect(screen.getByText('5120 in, 640 out')).toBeInTheDocument();

    expect(
      screen.getByRole('heading', { name: 'Fix pull request' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Pull request #42/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/podinfo-gitops/pull/42');
    const checks = screen.getByRole('table', { name: 'Fix validation checks' });
    expect(within(checks).getAllByText('Passed')).toHaveLength(2);
    expect(
      within(checks).getByText('kustomize binary not available: skipped'),
    ).toBeInTheDocument();
  });

  it('labels intent verdicts that come from runtime health checks only', async () => {
    await renderRun(GOOD_RUN_ID);
    expect(
      await screen.findByRole('heading', { name: 'Intent' }),
    ).toBeInTheDocument();
    expect(screen.getByText(/Runtime health checks only/)).toBeInTheDocument();
    const findings = screen.getByRole('table', { name: 'Intent findings' });
    expect(
      within(findings).getByText('3/3 replicas ready'),
    ).toBeInTheDocument();
    expect(within(findings).getAllByText('Met')).toHaveLength(2);
    expect(
      screen.queryByRole('heading', { name: 'Diagnosis' }),
    ).not.toBeInTheDocument();
  });

  it('shows why the AI could not help', async () => {
    const api = fakeGortApi({
      getRun: async () => ({
        ...failedRun,
        ai: {
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          tokens: { input: 0, output: 0 },
          error: 'rate limited (429)',
        },
      }),
    });
    await renderRun(FAILED_RUN_ID, api);
    expect(
      await screen.findByText(
        /the rules' diagnosis stands: rate limited \(429\)/,
      ),
    ).toBeInTheDocument();
  });

  it('shows a missing run as an error with the backend message', async () => {
    const notFound = await backendError(
      404,
      'NotFoundError',
      `No run ${FAILED_RUN_ID}`,
    );
    await renderRun(
      FAILED_RUN_ID,
      fakeGortApi({ getRun: async () => Promise.reject(notFound) }),
    );
    expect(
      (await screen.findAllByText(new RegExp(`No run ${FAILED_RUN_ID}`)))
        .length,
    ).toBeGreaterThan(0);
  });

  it('re-fetches a run in progress when the backend signals a change', async () => {
    let deliver: (message: any) => void = () => {};
    const signalApi: SignalApi = {
      subscribe: (_channel, onMessage) => {
        deliver = onMessage as any;
        return { unsubscribe: () => {} };
      },
    };
    let current = {
      ...failedRun,
      state: 'reconciling' as const,
      outcome: undefined,
      finishedAt: undefined,
    };
    const api = fakeGortApi({ getRun: jest.fn(async () => current) });
    await renderRun(FAILED_RUN_ID, api, signalApi);
    expect(
      await screen.findByRole('heading', {
        name: /Run of 9f3b1c2.*Reconciling/,
      }),
    ).toBeInTheDocument();
    current = {
      ...failedRun,
      state: 'failed' as any,
      outcome: undefined,
      finishedAt: undefined,
    };
    act(() =>
      deliver({
        runId: FAILED_RUN_ID,
        entityRef: failedRun.entityRef,
        state: 'failed',
      }),
    );
    await waitFor(() => expect(api.getRun).toHaveBeenCalledTimes(2));
    expect(
      await screen.findByRole('heading', { name: /Run of 9f3b1c2.*Failed/ }),
    ).toBeInTheDocument();
  });
});
