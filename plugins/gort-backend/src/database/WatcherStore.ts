import type { RepoRef, Watcher } from '@gort-backstage/plugin-gort-common';

/** A watcher as computed from the catalog, before it is stored. */
export type WatcherInput = Omit<Watcher, 'updatedAt'>;

export interface WatcherSyncResult {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}

/** Durable set of watchers, replaced wholesale from each catalog read. */
export interface WatcherStore {
  /** Makes the stored set equal to `watchers`, touching only what changed. */
  replaceAll(watchers: WatcherInput[]): Promise<WatcherSyncResult>;
  list(): Promise<Watcher[]>;
  get(entityRef: string): Promise<Watcher | undefined>;
  /**
   * Watchers whose pushes come from `repo` on `branch`. Watchers without a
   * branch follow the default branch, so they match when `isDefaultBranch`.
   */
  findByPush(
    repo: RepoRef,
    branch: string,
    isDefaultBranch: boolean,
  ): Promise<Watcher[]>;
}
