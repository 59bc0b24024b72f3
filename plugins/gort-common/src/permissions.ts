import { createPermission } from '@backstage/plugin-permission-common';

/** Read runs, watchers and live Flux status. */
export const gortRunReadPermission = createPermission({
  name: 'gort.run.read',
  attributes: { action: 'read' },
});

/** Start a run now against the current revision (`POST /runs`). */
export const gortRunCreatePermission = createPermission({
  name: 'gort.run.create',
  attributes: { action: 'create' },
});

export const gortPermissions = [gortRunReadPermission, gortRunCreatePermission];
