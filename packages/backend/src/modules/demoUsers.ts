import { createBackendModule } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** Header naming the user to sign in as, e.g. `pat`. */
export const DEMO_USER_HEADER = 'x-demo-user';

/**
 * Sign-in as one of a fixed list of catalog users, chosen by a request
 * header, for the local demo and the end-to-end tests, so that a second
 * identity can be refused what the first may see. Like the guest provider
 * it works only with NODE_ENV=development, and only when configured:
 *
 *   auth.providers.demoUsers.users: [user:default/pat]
 */
const demoUsersAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async () => ({ profile: {} }),
  initialize({ config }) {
    const users = config.getStringArray('users').map(ref => stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'user' })));
    return { users, enabled: process.env.NODE_ENV === 'development' };
  },
  async authenticate({ req }, { users, enabled }) {
    if (!enabled) {
      throw new NotAllowedError('The demoUsers sign-in provider works only with NODE_ENV=development');
    }
    const asked = req.header(DEMO_USER_HEADER);
    const userEntityRef = asked
      ? stringifyEntityRef(parseEntityRef(asked, { defaultKind: 'user', defaultNamespace: 'default' }))
      : undefined;
    if (!userEntityRef || !users.includes(userEntityRef)) {
      throw new NotAllowedError(`Set ${DEMO_USER_HEADER} to one of ${users.join(', ')}`);
    }
    return { result: { userEntityRef } };
  },
});

export const authModuleDemoUsersProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-users-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'demoUsers',
          factory: createProxyAuthProviderFactory({
            authenticator: demoUsersAuthenticator,
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({ entityRef: result.userEntityRef });
            },
          }),
        });
      },
    });
  },
});
