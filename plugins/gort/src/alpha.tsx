import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isGortAvailable } from '@internal/plugin-gort-common';
import { gortApiRef, GortClient } from './api';

const gortApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gortApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GortClient(deps),
    }),
});

/** The GitOps tab on entities; shows the missing-annotation state elsewhere. */
const gortEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/gitops',
    title: 'GitOps',
    filter: entity => entity.kind.toLowerCase() === 'component',
    loader: () =>
      import('./components/EntityGortContent').then(m => (
        <m.EntityGortContent />
      )),
  },
});

const gortEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isGortAvailable,
    loader: () =>
      import('./components/EntityGortCard').then(m => <m.EntityGortCard />),
  },
});

/** GORT for the new frontend system. */
export default createFrontendPlugin({
  pluginId: 'gort',
  extensions: [gortApi, gortEntityContent, gortEntityCard],
});
