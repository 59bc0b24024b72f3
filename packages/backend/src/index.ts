import { createBackend } from '@backstage/backend-defaults';
import { authModuleDemoUsersProvider } from './modules/demoUsers';
import { permissionModuleOwnershipPolicy } from './modules/permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Guest sign-in for the local demo; configure a real provider in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// A second demo identity (auth.providers.demoUsers), so that refusals show.
backend.add(authModuleDemoUsersProvider);

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));
// Owners may read and run their own entities (an isEntityOwner example policy).
backend.add(permissionModuleOwnershipPolicy);

// Events (GitHub pushes routed through Backstage) and signals (live updates).
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// Notifications (GORT notifies owners and pushers of failed runs).
backend.add(import('@backstage/plugin-notifications-backend'));

backend.add(import('@gort-backstage/plugin-gort-backend'));

// GORT's actions (gort:get-status, gort:diagnose, ...) for AI assistants over
// MCP, at /api/mcp-actions/v1; backend.actions.pluginSources lists `gort`.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
