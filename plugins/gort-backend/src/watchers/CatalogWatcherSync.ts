import {
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_FLUX_APP, WatchedObject } from '@gort-backstage/plugin-gort-common';
import { WatcherStore, WatcherSyncResult } from '../database/WatcherStore';
import { applyTenancy, TenancyPolicy, WatchedObjectFacts } from './tenancy';
import { watchersFromEntities } from './watchersFromEntities';

const PAGE_SIZE = 500;
const ENTITY_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.annotations',
  'spec.owner',
  'relations',
];

/** Reads annotated entities from the catalog and stores them as watchers. */
export class CatalogWatcherSync {
  private lastSummary?: string;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      store: WatcherStore;
      logger: LoggerService;
      /** The clusters GORT watches now: an object naming another one gets an annotation problem. */
      knownClusters?: () => string[];
      /**
       * The tenancy rules applied to every watcher before it is stored, so
       * what an entity's owner may not watch never gets a run.
       */
      tenancy: {
        policy: TenancyPolicy;
        /** What the cluster says about an object (labels, source repository, spec.path). */
        factsOf: (object: WatchedObject) => WatchedObjectFacts | undefined;
        defaultCluster: () => string | undefined;
      };
    },
  ) {}

  async readAnnotatedEntities(): Promise<Entity[]> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const entities: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE_SIZE, fields: ENTITY_FIELDS }
          : {
              filter: {
                [`metadata.annotations.${ANNOTATION_FLUX_APP}`]:
                  CATALOG_FILTER_EXISTS,
              },
              limit: PAGE_SIZE,
              fields: ENTITY_FIELDS,
            },
        { credentials },
      );
      entities.push(...page.items);
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return entities;
  }

  /**
   * Makes the stored watchers match the catalog. A failed read throws and
   * changes nothing; an empty read changes nothing either while watchers are
   * stored: a catalog that is starting, being rebuilt or briefly unable to
   * answer would otherwise stop every push from starting runs.
   */
  async sync(): Promise<WatcherSyncResult> {
    const entities = await this.readAnnotatedEntities();
    if (entities.length === 0) {
      const stored = (await this.deps.store.list()).length;
      if (stored > 0) {
        this.deps.logger.warn(
          `The catalog returned no entity with ${ANNOTATION_FLUX_APP}; keeping the ${stored} stored watcher(s). ` +
            'Remove the annotation from one entity at a time, or delete the watchers by hand, to stop following all of them.',
        );
        return { added: 0, updated: 0, removed: 0, unchanged: stored };
      }
    }
    const { policy, factsOf, defaultCluster } = this.deps.tenancy;
    const cluster = defaultCluster();
    const watchers = watchersFromEntities(entities, this.deps.knownClusters?.()).map(w => applyTenancy(w, policy, factsOf, cluster));
    const result = await this.deps.store.replaceAll(watchers);
    const withProblems = watchers.filter(w => w.problems.length > 0).length;
    const summary =
      `Watchers refreshed from the catalog: ${watchers.length} entities ` +
      `(${result.added} added, ${result.updated} updated, ${result.removed} removed, ` +
      `${withProblems} with annotation problems)`;
    // A refresh that changes nothing says so once, then only at debug (it runs every 30 s).
    const changed = result.added + result.updated + result.removed > 0;
    if (changed || this.lastSummary !== summary) this.deps.logger.info(summary);
    else this.deps.logger.debug(summary);
    this.lastSummary = summary;
    return result;
  }
}
