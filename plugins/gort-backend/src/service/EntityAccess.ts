import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { LRUCache } from 'lru-cache';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  gortRunCreatePermission,
  gortRunReadPermission,
} from '@gort-backstage/plugin-gort-common';

/** The catalog's and the permission backend's batch sizes stay modest. */
const BATCH = 200;
const REF_FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];
/**
 * How long a read decision is reused for the same caller and entity: the
 * runs list over all entities asks about every entity with runs (1,000 of
 * them: five catalog and five permission round trips), and the entity page
 * polls. A revoked permission or a hidden entity is honoured within this.
 */
export const READ_DECISION_TTL_MS = 10_000;
const READ_DECISIONS_KEPT = 100_000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Who may see what, per catalog entity. An entity is readable when the
 * catalog shows it to the caller (so `catalog.entity.read` policies hold
 * here too) and the policy allows `gort.run.read` on it; conditional
 * decisions (`isEntityOwner`, `hasAnnotation`, ...) are evaluated by the
 * permission backend against the catalog, one batch per call.
 */
export class EntityAccess {
  private readonly readDecisions?: LRUCache<string, boolean>;

  constructor(
    private readonly deps: {
      permissions: PermissionsService;
      catalog: CatalogService;
      /** 0 asks the catalog and the permission backend every time. */
      readDecisionTtlMs?: number;
    },
  ) {
    const ttl = deps.readDecisionTtlMs ?? READ_DECISION_TTL_MS;
    if (ttl > 0) this.readDecisions = new LRUCache({ max: READ_DECISIONS_KEPT, ttl });
  }

  /** The refs among `entityRefs` that the caller may read (lower-cased). */
  async readable(credentials: BackstageCredentials, entityRefs: string[]): Promise<Set<string>> {
    const unique = [...new Set(entityRefs.map(ref => ref.toLowerCase()))];
    const caller = callerKey(credentials);
    const cache = this.readDecisions;
    const readable = new Set<string>();
    const unknown: string[] = [];
    for (const ref of unique) {
      const known = cache?.get(`${caller}\u0000${ref}`);
      if (known === undefined) unknown.push(ref);
      else if (known) readable.add(ref);
    }
    if (unknown.length === 0) return readable;
    const visible = await this.visibleInCatalog(credentials, unknown);
    const allowed = await this.allowed(credentials, [...visible], gortRunReadPermission);
    for (const ref of unknown) {
      cache?.set(`${caller}\u0000${ref}`, allowed.has(ref));
      if (allowed.has(ref)) readable.add(ref);
    }
    return readable;
  }

  /**
   * Throws a NotFoundError, as the catalog does for an entity it hides, when
   * the caller may not read `entityRef`; `notFound` is the message.
   */
  async assertReadable(credentials: BackstageCredentials, entityRef: string, notFound: string): Promise<void> {
    const readable = await this.readable(credentials, [entityRef]);
    if (!readable.has(entityRef.toLowerCase())) throw new NotFoundError(notFound);
  }

  /** 404 for an entity the caller may not read, 403 when it may read but not run. */
  async assertMayCreateRun(credentials: BackstageCredentials, entityRef: string): Promise<void> {
    await this.assertReadable(credentials, entityRef, `No entity ${entityRef} is followed by GORT`);
    const allowed = await this.allowed(credentials, [entityRef], gortRunCreatePermission);
    if (!allowed.has(entityRef.toLowerCase())) {
      throw new NotAllowedError(`Permission ${gortRunCreatePermission.name} is required for ${entityRef}`);
    }
  }

  private async visibleInCatalog(credentials: BackstageCredentials, entityRefs: string[]): Promise<Set<string>> {
    const unique = [...new Set(entityRefs.map(ref => ref.toLowerCase()))];
    const visible = new Set<string>();
    for (const batch of chunks(unique, BATCH)) {
      const { items } = await this.deps.catalog.getEntitiesByRefs(
        { entityRefs: batch, fields: REF_FIELDS },
        { credentials },
      );
      batch.forEach((ref, index) => {
        if (items[index]) visible.add(ref);
      });
    }
    return visible;
  }

  private async allowed(
    credentials: BackstageCredentials,
    entityRefs: string[],
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<Set<string>> {
    const unique = [...new Set(entityRefs.map(ref => ref.toLowerCase()))];
    const allowed = new Set<string>();
    for (const batch of chunks(unique, BATCH)) {
      const decisions = await this.deps.permissions.authorize(
        batch.map(resourceRef => ({ permission, resourceRef })),
        { credentials },
      );
      batch.forEach((ref, index) => {
        if (decisions[index]?.result === AuthorizeResult.ALLOW) allowed.add(ref);
      });
    }
    return allowed;
  }
}

/** Whose decision it is: the user, the calling service, or nobody. */
function callerKey(credentials: BackstageCredentials): string {
  const principal = credentials.principal as { type?: string; userEntityRef?: string; subject?: string };
  if (principal.type === 'user') return `user:${principal.userEntityRef}`;
  if (principal.type === 'service') return `service:${principal.subject}`;
  return 'none';
}
