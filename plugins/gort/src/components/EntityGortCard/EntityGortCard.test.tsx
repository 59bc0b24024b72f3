import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { gortApiRef, GortApi } from '../../api';
import { FAILED_RUN_ID, podinfoEntity } from '../../__fixtures__/gort';
import { backendError, fakeGortApi } from '../../__fixtures__/fakeGortApi';
import { EntityGortCard } from './EntityGortCard';

async function renderCard(
  api: GortApi = fakeGortApi(),
  entity: Entity = podinfoEntity,
) {
  await renderInTestApp(
    <TestApiProvider apis={[[gortApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityGortCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityGortCard', () => {
  it('shows the current state, the last run and the open fix PRs, linking to the tab', async () => {
    await renderCard();
    expect((await screen.findAllByText('Failed')).length).toBe(2);
    expect(screen.getByText(/\(1 object\)/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Last run 9f3b1c2: Failed/ }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/component/podinfo/gitops/runs/${FAILED_RUN_ID}`,
    );
    expect(
      await screen.findByRole('link', {
        name: /Fix pull request #42 \(open\)/,
      }),
    ).toHaveAttribute('href', 'https://github.com/acme/podinfo-gitops/pull/42');
    expect(
      screen.getByRole('link', { name: /Open the GitOps tab/ }),
    ).toHaveAttribute('href', '/catalog/default/component/podinfo/gitops');
  });

  it('says when GORT does not follow the entity yet', async () => {
    const notFound = await backendError(404, 'NotFoundError', 'not followed');
    await renderCard(
      fakeGortApi({ getEntityStatus: async () => Promise.reject(notFound) }),
    );
    expect(
      await screen.findByText(/GORT does not follow this entity yet/),
    ).toBeInTheDocument();
  });
});
