import {
  ApiBlueprint,
  createFrontendModule,
  discoveryApiRef,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import { SignalClient } from '@backstage/plugin-signals';
import { signalApiRef } from '@backstage/plugin-signals-react';

/**
 * `@backstage/plugin-signals` has no new-frontend-system plugin yet, so the
 * app provides its client here; GORT's pages use it for live run updates.
 */
const signalsApi = ApiBlueprint.make({
  name: 'signals',
  params: defineParams =>
    defineParams({
      api: signalApiRef,
      deps: { identity: identityApiRef, discoveryApi: discoveryApiRef },
      factory: ({ identity, discoveryApi }) =>
        SignalClient.create({ identity, discoveryApi }),
    }),
});

export const signalsModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signalsApi],
});
