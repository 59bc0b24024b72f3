import { createApiRef } from '@backstage/core-plugin-api';
import type { Watcher } from '@internal/plugin-gort-common';

/** Client for the GORT backend (`/api/gort`). */
export interface GortApi {
  listWatchers(): Promise<Watcher[]>;
}

export const gortApiRef = createApiRef<GortApi>({ id: 'plugin.gort.api' });
