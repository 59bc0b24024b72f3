import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { gortApiRef, GortApi } from '../../api';
import { FAILED_RUN_ID, ownerEntities } from '../../__fixtures__/gort';
import { backendError, fakeGortApi } from '../../__fixtures__/fakeGortApi';
import { GortPage } from './GortPage';

async function renderPage(api: GortApi = fakeGortApi(), route = '/gitops') {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gortApiRef, api],
        [catalogApiRef, catalogApiMock({ entities: ownerEntities })],
      ]}
    >
      <GortPage />
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      routeEntries: [route],
    },
  );
}

/*
 * These helpers find a container by its label and read inside it: role
 * queries over the whole page compute the accessibility of every element and
 * took most of the filter test's time (over 5 s on a loaded 2-core machine).
 */
function entityNames(): string[] {
  const table = screen.getByLabelText('GitOps deployments') as HTMLTableElement;
  return Array.from(
    table.tBodies[0].rows,
    row => row.cells[0].textContent ?? '',
  );
}

/** Picks `option` in the filter labelled `filter` (a Material UI select). */
async function choose(filter: string, option: string) {
  const select = screen
    .getAllByLabelText(filter)
    .find(element => element.getAttribute('role') === 'button')!;
  fireEvent.mouseDown(select);
  const listbox = await screen.findByRole('listbox');
  fireEvent.click(within(listbox).getByText(option));
}

describe('GortPage', () => {
  it('lists every followed entity, failing first, linking to entity and run', async () => {
    await renderPage();
    await screen.findByLabelText('GitOps deployments');
    expect(screen.getByText(/3 followed, 1 failing/)).toBeInTheDocument();
    expect(entityNames()).toEqual(['podinfo', 'catalog-api', 'checkout']);
    // A failing deployment shows as failing with its reason (not "Reconciling").
    const table = screen.getByLabelText('GitOps deployments') as HTMLTableElement;
    const stateCell = table.tBodies[0].rows[0].cells[1];
    expect(stateCell.textContent).toBe('FailedHealthCheckFailed');
    expect(table.tBodies[0].rows[1].cells[1].textContent).toBe('Ready');
    expect(screen.getByRole('link', { name: 'podinfo' })).toHaveAttribute(
      'href',
      '/catalog/default/component/podinfo',
    );
    expect(
      screen.getByRole('link', {
        name: /Latest run of component:default\/podinfo: 9f3b1c2 Failed/,
      }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/component/podinfo/gitops/runs/${FAILED_RUN_ID}`,
    );
    expect(
      screen.getByRole('link', { name: /Fix pull request #42 \(open\)/ }),
    ).toBeInTheDocument();
  });

  it('filters by state, owner and cluster', async () => {
    await renderPage();
    await screen.findByLabelText('GitOps deployments');

    await choose('State', 'Failed');
    expect(entityNames()).toEqual(['podinfo']);
    await choose('State', 'All');

    await choose('Owner', 'group:default/team-b');
    expect(entityNames()).toEqual(['catalog-api', 'checkout']);

    await choose('Cluster', 'prod');
    expect(entityNames()).toEqual(['checkout']);
  });

  it('reads the filters from the query string, so they can be shared', async () => {
    await renderPage(fakeGortApi(), '/gitops?state=failed');
    await screen.findByLabelText('GitOps deployments');
    expect(entityNames()).toEqual(['podinfo']);
  });

  it('shows a permission problem clearly', async () => {
    const forbidden = await backendError(
      403,
      'NotAllowedError',
      'Permission gort.run.read is required',
    );
    await renderPage(
      fakeGortApi({
        listEntityStatuses: async () => Promise.reject(forbidden),
      }),
    );
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
  });
});
