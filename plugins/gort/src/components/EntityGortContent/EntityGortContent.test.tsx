import { Entity } from '@backstage/catalog-model';
import { AlertApi, alertApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gortApiRef, GortApi } from '../../api';
import {
  BAD_SHA,
  FAILED_RUN_ID,
  GOOD_SHA,
  podinfoEntity,
  readyStatus,
  runPage2,
} from '../../__fixtures__/gort';
import { backendError, fakeGortApi } from '../../__fixtures__/fakeGortApi';
import { EntityGortContent } from './EntityGortContent';

function entityWith(annotations: Record<string, string>): Entity {
  return {
    ...podinfoEntity,
    metadata: { ...podinfoEntity.metadata, annotations },
  };
}

async function renderTab(
  options: {
    api?: GortApi;
    entity?: Entity;
    route?: string;
    alertApi?: AlertApi;
  } = {},
) {
  const api = options.api ?? fakeGortApi();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gortApiRef, api],
        [permissionApiRef, mockApis.permission()],
        ...(options.alertApi ? [[alertApiRef, options.alertApi] as const] : []),
      ]}
    >
      <EntityProvider entity={options.entity ?? podinfoEntity}>
        <EntityGortContent />
      </EntityProvider>
    </TestApiProvider>,
    { routeEntries: [options.route ?? '/'] },
  );
  return api;
}

describe('EntityGortContent', () => {
  it('shows the missing-annotation state with an example without gort.io/flux-app', async () => {
    const api = fakeGortApi();
    await renderTab({ api, entity: entityWith({}) });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(screen.getAllByText(/gort\.io\/flux-app/).length).toBeGreaterThan(0);
    expect(api.getEntityStatus).not.toHaveBeenCalled();
  });

  it('shows progress while the status loads', async () => {
    await renderTab({
      api: fakeGortApi({ getEntityStatus: () => new Promise(() => {}) }),
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('explains an entity GORT does not follow yet, with the annotation', async () => {
    const notFound = await backendError(
      404,
      'NotFoundError',
      'component:default/podinfo is not followed by GORT: it needs the gort.io/flux-app annotation',
    );
    await renderTab({
      api: fakeGortApi({
        getEntityStatus: async () => Promise.reject(notFound),
      }),
    });
    expect(
      await screen.findByText('GORT does not follow this entity yet'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('flux-system/podinfo').length).toBeGreaterThan(
      0,
    );
    expect(
      screen.getByText(/Backend: component:default\/podinfo is not followed/),
    ).toBeInTheDocument();
  });

  it('tells the reader which permission is missing on a 403', async () => {
    const forbidden = await backendError(
      403,
      'NotAllowedError',
      'Permission gort.run.read is required',
    );
    await renderTab({
      api: fakeGortApi({
        getEntityStatus: async () => Promise.reject(forbidden),
      }),
    });
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
    expect(
      screen.getByText(/Permission gort.run.read is required/),
    ).toBeInTheDocument();
  });

  it('says so when the backend cannot be reached', async () => {
    await renderTab({
      api: fakeGortApi({
        getEntityStatus: async () =>
          Promise.reject(new TypeError('Failed to fetch')),
      }),
    });
    expect(
      await screen.findByText(/The GORT backend cannot be reached/),
    ).toBeInTheDocument();
    expect(screen.getByText(/Failed to fetch/)).toBeInTheDocument();
  });

  it('shows other backend errors with their message', async () => {
    const broken = await backendError(500, 'Error', 'database is locked');
    await renderTab({
      api: fakeGortApi({ getEntityStatus: async () => Promise.reject(broken) }),
    });
    expect(
      (await screen.findAllByText(/database is locked/)).length,
    ).toBeGreaterThan(0);
  });

  it('shows a failed object, behind the latest push, and the failed run with its fix PR', async () => {
    await renderTab();
    expect(
      await screen.findByRole('heading', { name: 'Watched Flux objects' }),
    ).toBeInTheDocument();
    const objects = screen.getByRole('table', { name: 'Watched Flux objects' });
    expect(within(objects).getByText('Failed')).toBeInTheDocument();
    expect(within(objects).getByText('HealthCheckFailed')).toBeInTheDocument();
    expect(
      within(objects).getByText(/health check failed after 5m0s/),
    ).toBeInTheDocument();
    expect(
      within(objects).getByText(/Behind the latest push \(9f3b1c2\)/),
    ).toBeInTheDocument();
    const applied = within(objects).getAllByRole('link', {
      name: new RegExp(`commit ${GOOD_SHA}`),
    })[0];
    expect(applied).toHaveAttribute(
      'href',
      `https://github.com/acme/podinfo-gitops/commit/${GOOD_SHA}`,
    );

    expect(screen.getByRole('heading', { name: 'Runs' })).toBeInTheDocument();
    const runs = await screen.findByRole('table', { name: 'GORT runs' });
    const failedRow = within(runs)
      .getByText('podinfo: bump image to 6.7.2')
      .closest('tr')!;
    expect(within(failedRow).getByText('image-pull')).toBeInTheDocument();
    expect(within(failedRow).getByText(/by Jane Doe/)).toBeInTheDocument();
    expect(
      within(failedRow).getByRole('link', { name: /commit 9f3b1c2/ }),
    ).toHaveAttribute(
      'href',
      `https://github.com/acme/podinfo-gitops/commit/${BAD_SHA}`,
    );
    expect(
      within(failedRow).getByRole('link', {
        name: /Fix pull request #42 \(open\)/,
      }),
    ).toHaveAttribute('href', 'https://github.com/acme/podinfo-gitops/pull/42');
    expect(
      within(failedRow).getByRole('link', {
        name: /Run 9f3b1c2: Failed, open details/,
      }),
    ).toHaveAttribute('href', `/runs/${FAILED_RUN_ID}`);
    expect(within(runs).getByText('Intent met')).toBeInTheDocument();
  });

  it('marks objects that run the latest push', async () => {
    await renderTab({
      api: fakeGortApi({ getEntityStatus: async () => readyStatus }),
    });
    const objects = await screen.findByRole('table', {
      name: 'Watched Flux objects',
    });
    expect(within(objects).getAllByText('Ready').length).toBeGreaterThan(0);
    expect(
      within(objects).getByText('Runs the latest push'),
    ).toBeInTheDocument();
  });

  it('pages through runs with the cursor and filters by outcome', async () => {
    // Queries start from labelled containers: whole-page role queries made
    // this test exceed 5 s on a loaded 2-core machine.
    const api = await renderTab();
    await screen.findByLabelText('GORT runs');
    const pager = screen.getByLabelText('Runs pages');
    expect(
      within(pager).getByRole('button', { name: 'Previous page' }),
    ).toBeDisabled();
    await userEvent.click(
      within(pager).getByRole('button', { name: 'Next page' }),
    );
    expect(
      await screen.findByText(runPage2.items[0].commit!.message!),
    ).toBeInTheDocument();
    expect(api.listRuns).toHaveBeenLastCalledWith(
      expect.objectContaining({
        entityRef: 'component:default/podinfo',
        cursor: '18',
      }),
    );
    expect(within(pager).getByText('Page 2')).toBeInTheDocument();
    expect(
      within(pager).getByRole('button', { name: 'Next page' }),
    ).toBeDisabled();

    const outcome = screen
      .getAllByLabelText('Outcome')
      .find(element => element.getAttribute('role') === 'button')!;
    fireEvent.mouseDown(outcome);
    // `hidden: true` skips the per-element computed-style walk that made role
    // queries over the whole document take seconds under load.
    const listbox = await screen.findByRole('listbox', { hidden: true });
    fireEvent.click(within(listbox).getByText('Failed'));
    await waitFor(() =>
      expect(api.listRuns).toHaveBeenLastCalledWith(
        expect.objectContaining({ outcome: 'failed', cursor: undefined }),
      ),
    );
    expect(
      await within(screen.getByLabelText('Runs pages')).findByText('Page 1'),
    ).toBeInTheDocument();
  });

  it('starts a run with Run now when allowed', async () => {
    const api = await renderTab();
    const button = await screen.findByRole('button', { name: 'Run now' });
    expect(button).toBeEnabled();
    await userEvent.click(button);
    await waitFor(() =>
      expect(api.createRun).toHaveBeenCalledWith('component:default/podinfo'),
    );
  });

  it('explains why Run now could not start a run', async () => {
    const conflict = await backendError(
      409,
      'ConflictError',
      'Cannot run GORT for component:default/podinfo: no source reports a Git revision yet',
    );
    const alertApi = { post: jest.fn(), alert$: jest.fn() };
    await renderTab({
      api: fakeGortApi({ createRun: async () => Promise.reject(conflict) }),
      alertApi,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Run now' }),
    );
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith(
        expect.objectContaining({
          severity: 'error',
          message: expect.stringMatching(
            /no source reports a Git revision yet/,
          ),
        }),
      ),
    );
  });

  it('lists annotation problems above the live state', async () => {
    await renderTab({
      entity: entityWith({
        'gort.io/flux-app': 'flux-system/podinfo',
        'gort.io/target-repo': 'acme/podinfo-gitops',
        'gort.io/mode': 'yolo',
      }),
    });
    expect(
      await screen.findByText(/GORT annotations need attention \(1\)/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/must be one of fix-pr, diagnose-only, off/),
    ).toBeInTheDocument();
    expect(screen.getByText('Example:')).toBeInTheDocument();
  });

  it('opens the run detail nested under the tab', async () => {
    await renderTab({ route: `/runs/${FAILED_RUN_ID}` });
    expect(
      await screen.findByRole('heading', { name: 'Diagnosis' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Timeline' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Back to runs/ })).toHaveAttribute(
      'href',
      '/',
    );
  });
});
