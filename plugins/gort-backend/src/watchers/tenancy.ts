import {
  ANNOTATION_DOCS_PATHS,
  ANNOTATION_FIX_REPO,
  ANNOTATION_FLUX_APP,
  ANNOTATION_TARGET_REPO,
  AnnotationProblem,
  DEFAULT_DOCS_PATHS,
  formatWatchedObject,
  RepoRef,
  WatchedObject,
} from '@gort-backstage/plugin-gort-common';
import { minimatch } from 'minimatch';
import type { WatcherInput } from '../database/WatcherStore';

/** Label on a Flux object naming the entity allowed to watch it. */
export const DEFAULT_ENTITY_LABEL = 'gort.io/entity';

/** What an admin lets the owners listed here watch and fix (`gort.tenancy.owners[]`). */
export interface TenancyGrant {
  /** Owner entity refs, lower-cased (`group:default/team-a`). */
  owners: string[];
  /** Cluster names or globs; `*` for all. */
  clusters: string[];
  /** Namespace names or globs of the Flux objects. */
  namespaces: string[];
  /** `owner/repo` names or globs (`acme/team-a-*`) pushes and fix PRs may use. */
  repositories: string[];
}

export interface TenancyPolicy {
  /**
   * Whether `gort.tenancy.owners` is configured. Without it, any entity may
   * name any object and repository (the rules below still hold).
   */
  mapped: boolean;
  grants: TenancyGrant[];
  entityLabel: string;
  /** `gort.io/fix-repo` may name another repository than the target. */
  allowSeparateFixRepo: boolean;
  /** Docs folders (globs) allowed besides the default and the Flux objects' spec.path trees. */
  extraDocsPaths: string[];
}

/** What the cluster says about a watched object, from the observer's cache. */
export interface WatchedObjectFacts {
  labels?: Record<string, string>;
  /** The repository of the object's Git source (its `spec.url`). */
  sourceRepo?: RepoRef;
  /** A Kustomization's `spec.path`. */
  specPath?: string;
}

/** `component:default/podinfo` → `component.default.podinfo` (a valid label value). */
export function entityLabelValue(entityRef: string): string {
  return entityRef.toLowerCase().replace(':', '.').replace('/', '.');
}

const sameRepo = (a: RepoRef, b: RepoRef) =>
  a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
const repoText = (repo: RepoRef) => `${repo.owner}/${repo.repo}`;
const matchesAny = (value: string, globs: string[]) =>
  globs.some(glob => minimatch(value.toLowerCase(), glob.toLowerCase(), { dot: true }));

/** A folder as `a/b/`, the repository root as `` (empty). */
function folderOf(path: string): string {
  const trimmed = path.replace(/^(\.\/)+/, '').replace(/^\.$/, '').replace(/^\/+/, '');
  if (trimmed === '' || trimmed === './') return '';
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/**
 * Applies the tenancy rules to a watcher computed from the catalog (pure).
 * Annotations are requests, not authority: whatever the entity's owners are
 * not allowed is dropped and reported as an annotation problem, so it never
 * gets a run (objects and target repo), a fix PR (fix repo) or an edit
 * (docs paths).
 */
export function applyTenancy(
  watcher: WatcherInput,
  policy: TenancyPolicy,
  factsOf: (object: WatchedObject) => WatchedObjectFacts | undefined,
  defaultCluster: string | undefined,
): WatcherInput {
  const problems: AnnotationProblem[] = [];
  const owners = (watcher.owners ?? []).map(o => o.toLowerCase());
  const grants = policy.grants.filter(g => g.owners.some(o => owners.includes(o)));
  const ownerText = owners.length > 0 ? owners.join(', ') : 'an entity without an owner';
  const label = `${policy.entityLabel}=${entityLabelValue(watcher.entityRef)}`;

  const labelled = (object: WatchedObject) =>
    factsOf(object)?.labels?.[policy.entityLabel]?.toLowerCase() === entityLabelValue(watcher.entityRef);
  const granted = (object: WatchedObject) => {
    const cluster = object.cluster ?? defaultCluster ?? 'default';
    return grants.some(g => matchesAny(cluster, g.clusters) && matchesAny(object.namespace, g.namespaces));
  };

  const objects = watcher.objects.filter(object => {
    if (!policy.mapped || granted(object) || labelled(object)) return true;
    problems.push({
      annotation: ANNOTATION_FLUX_APP,
      value: formatWatchedObject(object),
      message: `${ownerText} may not watch ${formatWatchedObject(object)}: an admin grants it in gort.tenancy.owners (cluster and namespace), or the object carries the label ${label}`,
    });
    return false;
  });

  // A labelled object vouches for the repository its own source reads.
  const vouchedRepos = objects.filter(labelled).flatMap(o => {
    const repo = factsOf(o)?.sourceRepo;
    return repo ? [repo] : [];
  });
  const repoAllowed = (repo: RepoRef) =>
    !policy.mapped ||
    grants.some(g => matchesAny(repoText(repo), g.repositories)) ||
    vouchedRepos.some(r => sameRepo(r, repo));

  let targetRepo = watcher.targetRepo;
  let fixRepo = watcher.fixRepo;
  if (targetRepo && !repoAllowed(targetRepo)) {
    problems.push({
      annotation: ANNOTATION_TARGET_REPO,
      value: repoText(targetRepo),
      message: `${ownerText} may not follow ${repoText(targetRepo)}: an admin grants it in gort.tenancy.owners (repositories), or a watched object labelled ${label} reads it`,
    });
    targetRepo = undefined;
    fixRepo = undefined;
  }
  if (fixRepo && targetRepo && !sameRepo(fixRepo, targetRepo)) {
    let why: string | undefined;
    if (!policy.allowSeparateFixRepo) {
      why = 'fix PRs go to the target repository unless gort.tenancy.allowSeparateFixRepo is true';
    } else if (!repoAllowed(fixRepo)) {
      why = `${ownerText} may not open PRs in ${repoText(fixRepo)} (gort.tenancy.owners repositories)`;
    }
    if (why) {
      problems.push({
        annotation: ANNOTATION_FIX_REPO,
        value: repoText(fixRepo),
        message: `${why}; using ${repoText(targetRepo)}`,
      });
      fixRepo = targetRepo;
    }
  }

  const specTrees = objects
    .map(o => factsOf(o)?.specPath)
    .filter((p): p is string => typeof p === 'string')
    .map(folderOf)
    .filter(p => p !== '');
  const docsAllowed = (path: string) => {
    const folder = folderOf(path);
    if (DEFAULT_DOCS_PATHS.includes(folder)) return true;
    if (matchesAny(folder, policy.extraDocsPaths) || matchesAny(folder.replace(/\/$/, '') || '.', policy.extraDocsPaths)) {
      return true;
    }
    return folder !== '' && specTrees.some(tree => folder.startsWith(tree));
  };
  let docsPaths = watcher.docsPaths.filter(path => {
    if (docsAllowed(path)) return true;
    problems.push({
      annotation: ANNOTATION_DOCS_PATHS,
      value: path,
      message: `"${path}" is outside the Flux objects' spec.path trees and ${DEFAULT_DOCS_PATHS.join(', ')}; an admin may allow it in gort.tenancy.docsPaths`,
    });
    return false;
  });
  if (docsPaths.length === 0) docsPaths = DEFAULT_DOCS_PATHS;

  if (problems.length === 0) return watcher;
  return {
    ...watcher,
    objects,
    targetRepo,
    fixRepo,
    docsPaths,
    problems: [...watcher.problems, ...problems],
  };
}
