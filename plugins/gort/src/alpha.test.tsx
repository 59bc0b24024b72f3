import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import gortPlugin from './alpha';
import { gortApiRef } from './api';
import { ownerEntities } from './__fixtures__/gort';
import { fakeGortApi } from './__fixtures__/fakeGortApi';

describe('gort plugin (new frontend system)', () => {
  it('provides the API, the entity tab, the card and page:gort', () => {
    for (const id of [
      'api:gort',
      'entity-content:gort',
      'entity-card:gort',
      'page:gort',
    ]) {
      expect(gortPlugin.getExtension(id as any)).toBeDefined();
    }
  });

  it('serves the org-wide page at /gitops', async () => {
    renderTestApp({
      features: [gortPlugin],
      initialRouteEntries: ['/gitops'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [gortApiRef, fakeGortApi()],
        [catalogApiRef, catalogApiMock({ entities: ownerEntities })],
      ],
    });
    // a label query: polling a whole-page role query slowed the render itself
    const table = await screen.findByLabelText('GitOps deployments');
    expect(table.tagName).toBe('TABLE');
    expect(screen.getByText(/3 followed, 1 failing/)).toBeInTheDocument();
  });
});
