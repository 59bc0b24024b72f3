import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isGortAvailable } from '@gort-backstage/plugin-gort-common';
import SyncIcon from '@material-ui/icons/Sync';
import { gortApiRef, GortClient } from './api';

const rootRouteRef = createRouteRef();

const gortApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gortApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GortClient(deps),
    }),
});

/**
 * The GitOps tab on components (`entity-content:gort`); the run detail is
 * nested under it at `runs/:runId`. Components without the annotation see how
 * to add it.
 */
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

/** `entity-card:gort`: the compact summary on the Overview tab. */
const gortEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isGortAvailable,
    loader: () =>
      import('./components/EntityGortCard').then(m => <m.EntityGortCard />),
  },
});

/** `page:gort` at `/gitops`; its title and icon make the "GitOps" sidebar item. */
const gortPage = PageBlueprint.make({
  params: {
    path: '/gitops',
    title: 'GitOps',
    icon: <SyncIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/GortPage').then(m => <m.GortPageContent />),
  },
});

/** GORT for the new frontend system. */
export default createFrontendPlugin({
  pluginId: 'gort',
  routes: { root: rootRouteRef },
  extensions: [gortApi, gortEntityContent, gortEntityCard, gortPage],
});
