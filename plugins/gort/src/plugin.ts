import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
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

/** The GitOps tab: use inside an `EntityLayout.Route`. */
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
