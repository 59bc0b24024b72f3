import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { RepoRef, Watcher } from '@gort-backstage/plugin-gort-common';
import {
  WatcherInput,
  WatcherStore,
  WatcherSyncResult,
} from './WatcherStore';

const TABLE = 'gort_watchers';
const CHUNK = 200;

interface WatcherRow {
  entity_ref: string;
  target_repo: string | null;
  branch: string | null;
  settings: string;
  problems: string;
  fingerprint: string;
  updated_at: Date | string;
}

type StoredSettings = Omit<WatcherInput, 'entityRef' | 'problems'>;

export function repoKey(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`.toLowerCase();
}

function fingerprintOf(watcher: WatcherInput): string {
  return createHash('sha256').update(JSON.stringify(watcher)).digest('hex');
}

function toRow(watcher: WatcherInput, now: Date): WatcherRow {
  const { entityRef, problems, ...settings } = watcher;
  return {
    entity_ref: entityRef,
    target_repo: watcher.targetRepo ? repoKey(watcher.targetRepo) : null,
    branch: watcher.branch ?? null,
    settings: JSON.stringify(settings),
    problems: JSON.stringify(problems),
    fingerprint: fingerprintOf(watcher),
    updated_at: now,
  };
}

function fromRow(row: WatcherRow): Watcher {
  const settings = JSON.parse(row.settings) as StoredSettings;
  return {
    entityRef: row.entity_ref,
    ...settings,
    problems: JSON.parse(row.problems),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    result.push(items.slice(i, i + CHUNK));
  }
  return result;
}

/** How long the watchers of a repository are reused by pushes (another replica's sync shows after it). */
const DEFAULT_PUSH_INDEX_TTL_MS = 5_000;
/** Repositories kept in the push index at most (it starts over beyond). */
const PUSH_INDEX_LIMIT = 10_000;

export class DatabaseWatcherStore implements WatcherStore {
  /**
   * The watchers of each pushed repository (all branches), so that a burst
   * of pushes reads them once: dropped when this process syncs, and reread
   * after a short TTL, because another replica may have synced.
   */
  private readonly pushIndex = new Map<string, { at: number; generation: number; watchers: Promise<Watcher[]> }>();
  private generation = 0;

  constructor(
    private readonly db: Knex,
    private readonly options: { pushIndexTtlMs?: number; now?: () => number } = {},
  ) {}

  async replaceAll(watchers: WatcherInput[]): Promise<WatcherSyncResult> {
    let changed = true;
    try {
      const result = await this.replaceAllIn(watchers);
      changed = result.added + result.updated + result.removed > 0;
      return result;
    } finally {
      // changed, or failed part way: what pushes read next comes from the database
      if (changed) {
        this.generation++;
        this.pushIndex.clear();
      }
    }
  }

  private async replaceAllIn(watchers: WatcherInput[]): Promise<WatcherSyncResult> {
    const now = new Date();
    const wanted = new Map(watchers.map(w => [w.entityRef, toRow(w, now)]));
    return this.db.transaction(async tx => {
      const existing = await tx<WatcherRow>(TABLE).select(
        'entity_ref',
        'fingerprint',
      );
      const existingByRef = new Map(
        existing.map(row => [row.entity_ref, row.fingerprint]),
      );
      const toInsert: WatcherRow[] = [];
      const toUpdate: WatcherRow[] = [];
      for (const row of wanted.values()) {
        const fingerprint = existingByRef.get(row.entity_ref);
        if (fingerprint === undefined) {
          toInsert.push(row);
        } else if (fingerprint !== row.fingerprint) {
          toUpdate.push(row);
        }
      }
      const toRemove = existing
        .map(row => row.entity_ref)
        .filter(ref => !wanted.has(ref));

      for (const batch of chunks(toInsert)) {
        await tx(TABLE).insert(batch);
      }
      for (const row of toUpdate) {
        await tx(TABLE).where('entity_ref', row.entity_ref).update(row);
      }
      for (const batch of chunks(toRemove)) {
        await tx(TABLE).whereIn('entity_ref', batch).delete();
      }
      return {
        added: toInsert.length,
        updated: toUpdate.length,
        removed: toRemove.length,
        unchanged: wanted.size - toInsert.length - toUpdate.length,
      };
    });
  }

  async list(): Promise<Watcher[]> {
    const rows = await this.db<WatcherRow>(TABLE).orderBy('entity_ref');
    return rows.map(fromRow);
  }

  async get(entityRef: string): Promise<Watcher | undefined> {
    const row = await this.db<WatcherRow>(TABLE)
      .where('entity_ref', entityRef)
      .first();
    return row ? fromRow(row) : undefined;
  }

  async findByPush(
    repo: RepoRef,
    branch: string,
    isDefaultBranch: boolean,
  ): Promise<Watcher[]> {
    const watchers = await this.watchersOfRepo(repoKey(repo));
    return watchers.filter(w => (w.branch === undefined || w.branch === null ? isDefaultBranch : w.branch === branch));
  }

  private watchersOfRepo(key: string): Promise<Watcher[]> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.pushIndex.get(key);
    if (cached && cached.generation === this.generation && now - cached.at < (this.options.pushIndexTtlMs ?? DEFAULT_PUSH_INDEX_TTL_MS)) {
      return cached.watchers;
    }
    if (this.pushIndex.size >= PUSH_INDEX_LIMIT) this.pushIndex.clear();
    const generation = this.generation;
    const watchers = this.db<WatcherRow>(TABLE)
      .where('target_repo', key)
      .orderBy('entity_ref')
      .then(rows => rows.map(fromRow));
    const entry = { at: now, generation, watchers };
    this.pushIndex.set(key, entry);
    watchers.catch(() => {
      if (this.pushIndex.get(key) === entry) this.pushIndex.delete(key);
    });
    return watchers;
  }
}
