import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityReadPermission,
  RESOURCE_TYPE_CATALOG_ENTITY,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/** Kinds everyone may see in the catalog: people, teams and locations. */
const DIRECTORY_KINDS = ['Group', 'User', 'Location'];

/**
 * The demo's policy, an example to start from: on catalog entities (GORT's
 * `gort.run.read` and `gort.run.create` included) a user may act on what
 * they or their groups own; the directory is visible to all. Everything
 * else is allowed. Service principals never reach a policy: restrict
 * static tokens with `backend.auth.externalAccess[].accessRestrictions`.
 */
export class OwnershipPermissionPolicy implements PermissionPolicy {
  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    if (!isResourcePermission(request.permission, RESOURCE_TYPE_CATALOG_ENTITY)) {
      return { result: AuthorizeResult.ALLOW };
    }
    const owned = catalogConditions.isEntityOwner({ claims: user?.info.ownershipEntityRefs ?? [] });
    if (isPermission(request.permission, catalogEntityReadPermission)) {
      return createCatalogConditionalDecision(request.permission, {
        anyOf: [owned, catalogConditions.isEntityKind({ kinds: DIRECTORY_KINDS })],
      });
    }
    return createCatalogConditionalDecision(request.permission, owned);
  }
}

export const permissionModuleOwnershipPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'ownership-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new OwnershipPermissionPolicy());
      },
    });
  },
});
