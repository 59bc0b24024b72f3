import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { gortApiRef, GortClient } from './api';

export const rootRouteRef = createRouteRef({ id: 'gort' });

/** GORT for apps on the legacy frontend system. */
export const gortPlugin = createPlugin({
  id: 'gort',
  apis: [
    createApiFactory({
      api: gortApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GortClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The GitOps tab: use as `<EntityLayout.Route path="/gitops" title="GitOps">`;
 * the run detail is nested under it at `runs/:runId`.
 */
export const EntityGortContent = gortPlugin.provide(
  createComponentExtension({
    name: 'EntityGortContent',
    component: {
      lazy: () =>
        import('./components/EntityGortContent').then(m => m.EntityGortContent),
    },
  }),
);

/** The overview card: use on the entity Overview page. */
export const EntityGortCard = gortPlugin.provide(
  createComponentExtension({
    name: 'EntityGortCard',
    component: {
      lazy: () =>
        import('./components/EntityGortCard').then(m => m.EntityGortCard),
    },
  }),
);

/** The org-wide page: `<Route path="/gitops" element={<GortPage />} />`. */
export const GortPage = gortPlugin.provide(
  createRoutableExtension({
    name: 'GortPage',
    component: () => import('./components/GortPage').then(m => m.GortPage),
    mountPoint: rootRouteRef,
  }),
);
