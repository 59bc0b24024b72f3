import type { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ownersOf } from '../watchers/watchersFromEntities';
import type { VerdictEntityInfo } from './ports';

/** Backstage's annotation for a user's GitHub login (as the GitHub org provider writes it). */
export const ANNOTATION_GITHUB_USER_LOGIN = 'github.com/user-login';

const TTL_MS = 30_000;

/**
 * Entity annotations (the per-entity switches) and GitHub login → user,
 * read from the catalog as GORT's own service and cached briefly: a run
 * emits several lifecycle events.
 */
export class CatalogVerdictEntities {
  private readonly entities = new Map<string, { at: number; value: Promise<VerdictEntityInfo | undefined> }>();
  private readonly users = new Map<string, { at: number; value: Promise<string | undefined> }>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly now: () => number = Date.now,
  ) {}

  private cached<T>(cache: Map<string, { at: number; value: Promise<T> }>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.value;
    if (cache.size > 5000) cache.clear();
    const value = load();
    cache.set(key, { at: this.now(), value });
    value.catch(() => cache.delete(key));
    return value;
  }

  entity(entityRef: string): Promise<VerdictEntityInfo | undefined> {
    return this.cached(this.entities, entityRef.toLowerCase(), async () => {
      const entity = await this.catalog.getEntityByRef(entityRef, { credentials: await this.auth.getOwnServiceCredentials() });
      if (!entity) return undefined;
      return { annotations: entity.metadata.annotations ?? {}, owner: ownersOf(entity)[0] };
    });
  }

  userForGitHubLogin(login: string): Promise<string | undefined> {
    return this.cached(this.users, login.toLowerCase(), async () => {
      const { items } = await this.catalog.getEntities(
        { filter: { kind: 'User', [`metadata.annotations.${ANNOTATION_GITHUB_USER_LOGIN}`]: login } },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      return items.length === 1 ? stringifyEntityRef(items[0]) : undefined;
    });
  }
}
