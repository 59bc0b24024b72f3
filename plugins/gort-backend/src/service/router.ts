import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import {
  gortRunReadPermission,
  WatcherList,
} from '@internal/plugin-gort-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { WatcherStore } from '../database/WatcherStore';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  watcherStore: WatcherStore;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, watcherStore } = options;
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  async function authorize(req: Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Permission ${permission.name} is required`);
    }
    return credentials;
  }

  router.get('/watchers', async (req, res) => {
    await authorize(req, gortRunReadPermission);
    const body: WatcherList = { items: await watcherStore.list() };
    res.json(body);
  });

  return router;
}
