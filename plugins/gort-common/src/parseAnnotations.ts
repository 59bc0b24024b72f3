import {
  ANNOTATION_AI,
  ANNOTATION_BRANCH,
  ANNOTATION_DOCS_PATHS,
  ANNOTATION_FIX_REPO,
  ANNOTATION_FLUX_APP,
  ANNOTATION_GITHUB_PROJECT_SLUG,
  ANNOTATION_MODE,
  ANNOTATION_RECONCILE_TIMEOUT,
  ANNOTATION_TARGET_REPO,
  DEFAULT_DOCS_PATHS,
  DEFAULT_MODE,
  FLUX_APP_KINDS,
  FluxAppKind,
  GORT_AI_SWITCHES,
  GORT_MODES,
  GortAiSwitch,
  GortMode,
} from './annotations';
import { parseDuration } from './duration';
import { AnnotationProblem, RepoRef, WatchedObject } from './types';

/** What an entity's GORT annotations say, with defaults applied. */
export interface GortEntitySettings {
  objects: WatchedObject[];
  docsPaths: string[];
  targetRepo?: RepoRef;
  fixRepo?: RepoRef;
  /** Undefined means the repository's default branch. */
  branch?: string;
  /** Undefined means the configured default. */
  reconcileTimeoutMs?: number;
  mode: GortMode;
  /** `off`: the entity's data is never sent to an AI provider. */
  ai: GortAiSwitch;
}

export interface ParsedGortAnnotations {
  settings: GortEntitySettings;
  problems: AnnotationProblem[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CLUSTER_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const REPO_SLUG = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;
const MAX_OBJECTS = 20;
const MAX_TIMEOUT_MS = 24 * 3_600_000;
const MIN_TIMEOUT_MS = 10_000;

const FLUX_APP_EXAMPLE =
  'flux-system/podinfo, HelmRelease/apps/podinfo or prod:Kustomization/flux-system/podinfo';

function splitList(value: string): string[] {
  return value
    .split(',')
    .map(part => part.trim())
    .filter(part => part.length > 0);
}

function kindFrom(text: string): FluxAppKind | undefined {
  return FLUX_APP_KINDS.find(kind => kind.toLowerCase() === text.toLowerCase());
}

/** Parses one `[cluster:][Kind/]namespace/name` reference. */
export function parseFluxObjectRef(
  text: string,
): { object: WatchedObject } | { error: string } {
  let rest = text.trim();
  let cluster: string | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    cluster = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
    if (!CLUSTER_NAME.test(cluster)) {
      return {
        error: `"${text}": cluster name "${cluster}" is not valid (letters, digits, ".", "_" and "-")`,
      };
    }
  }
  const parts = rest.split('/');
  let kind: FluxAppKind = 'Kustomization';
  if (parts.length === 3) {
    const found = kindFrom(parts[0]);
    if (!found) {
      return {
        error: `"${text}": kind "${parts[0]}" is not supported; use ${FLUX_APP_KINDS.join(' or ')}`,
      };
    }
    kind = found;
    parts.shift();
  } else if (parts.length !== 2) {
    return {
      error: `"${text}" is not of the form [cluster:][Kind/]namespace/name, e.g. ${FLUX_APP_EXAMPLE}`,
    };
  }
  const [namespace, name] = parts;
  if (!namespace) {
    return { error: `"${text}": the namespace is missing` };
  }
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    return {
      error: `"${text}": namespace "${namespace}" is not a valid Kubernetes namespace (lower-case letters, digits and "-", at most 63)`,
    };
  }
  if (!name) {
    return { error: `"${text}": the object name is missing` };
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return {
      error: `"${text}": name "${name}" is not a valid Kubernetes object name`,
    };
  }
  return { object: { ...(cluster ? { cluster } : {}), kind, namespace, name } };
}

/** Parses `owner/repo`; accepts a github.com URL or a trailing `.git` too. */
export function parseRepoRef(text: string): RepoRef | undefined {
  const cleaned = text
    .trim()
    .replace(/^https?:\/\/[^/]+\//, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  const match = REPO_SLUG.exec(cleaned);
  if (!match || match[2] === '.' || match[2] === '..') {
    return undefined;
  }
  return { owner: match[1], repo: match[2] };
}

/** A branch name as git accepts it (`git check-ref-format --branch`). */
export function isValidBranchName(branch: string): boolean {
  return (
    branch.length > 0 &&
    branch.length <= 255 &&
    !branch.startsWith('-') &&
    !branch.startsWith('/') &&
    !branch.endsWith('/') &&
    !branch.endsWith('.') &&
    !branch.endsWith('.lock') &&
    !branch.includes('..') &&
    !branch.includes('//') &&
    !branch.includes('@{') &&
    // eslint-disable-next-line no-control-regex
    !/[\x00-\x20~^:?*[\\\x7f]/.test(branch)
  );
}

function isSafeRelativeFolder(path: string): boolean {
  return (
    path.length <= 200 &&
    !path.startsWith('/') &&
    !path.split('/').some(segment => segment === '..') &&
    // eslint-disable-next-line no-control-regex
    !/[\x00-\x1f\\]/.test(path)
  );
}

/**
 * Reads an entity's GORT annotations. Never throws: every invalid value is
 * reported as a problem naming the annotation, and the default is used.
 */
export function parseGortAnnotations(
  annotations: Record<string, string | undefined> | undefined,
): ParsedGortAnnotations {
  const read = (key: string) => annotations?.[key]?.trim();
  const problems: AnnotationProblem[] = [];
  const problem = (annotation: string, value: string, message: string) =>
    problems.push({ annotation, value, message });

  const objects: WatchedObject[] = [];
  const fluxApp = read(ANNOTATION_FLUX_APP);
  if (fluxApp === undefined) {
    problem(ANNOTATION_FLUX_APP, '', `the annotation is missing; e.g. ${FLUX_APP_EXAMPLE}`);
  } else {
    const refs = splitList(fluxApp);
    if (refs.length === 0) {
      problem(ANNOTATION_FLUX_APP, fluxApp, `no Flux object is named; e.g. ${FLUX_APP_EXAMPLE}`);
    }
    if (refs.length > MAX_OBJECTS) {
      problem(ANNOTATION_FLUX_APP, fluxApp, `at most ${MAX_OBJECTS} Flux objects per entity`);
    }
    const seen = new Set<string>();
    for (const ref of refs.slice(0, MAX_OBJECTS)) {
      const parsed = parseFluxObjectRef(ref);
      if ('error' in parsed) {
        problem(ANNOTATION_FLUX_APP, ref, parsed.error);
        continue;
      }
      const key = watchedObjectKey(parsed.object);
      if (seen.has(key)) {
        problem(ANNOTATION_FLUX_APP, ref, `"${ref}" is listed twice`);
        continue;
      }
      seen.add(key);
      objects.push(parsed.object);
    }
  }

  let docsPaths = DEFAULT_DOCS_PATHS;
  const docsValue = read(ANNOTATION_DOCS_PATHS);
  if (docsValue !== undefined) {
    const paths = splitList(docsValue).map(p => p.replace(/^\.\//, ''));
    const unsafe = paths.filter(p => !isSafeRelativeFolder(p));
    if (paths.length === 0 || unsafe.length > 0) {
      problem(
        ANNOTATION_DOCS_PATHS,
        docsValue,
        `folders must be relative paths inside the repository, without "..", e.g. docs/plans/; using ${DEFAULT_DOCS_PATHS.join(', ')}`,
      );
    } else {
      docsPaths = paths.map(p => (p.endsWith('/') ? p : `${p}/`));
    }
  }

  const readRepo = (key: string): RepoRef | undefined => {
    const value = read(key);
    if (value === undefined) {
      return undefined;
    }
    const repo = parseRepoRef(value);
    if (!repo) {
      problem(key, value, 'expected a GitHub repository as owner/repo, e.g. acme/podinfo-gitops');
    }
    return repo;
  };
  const targetRepo =
    readRepo(ANNOTATION_TARGET_REPO) ?? readRepo(ANNOTATION_GITHUB_PROJECT_SLUG);
  if (!targetRepo && fluxApp !== undefined && !problems.some(p => p.annotation === ANNOTATION_TARGET_REPO || p.annotation === ANNOTATION_GITHUB_PROJECT_SLUG)) {
    problem(
      ANNOTATION_TARGET_REPO,
      '',
      `no repository: set ${ANNOTATION_TARGET_REPO} (or ${ANNOTATION_GITHUB_PROJECT_SLUG}) to the owner/repo whose pushes Flux deploys`,
    );
  }
  const fixRepo = readRepo(ANNOTATION_FIX_REPO) ?? targetRepo;

  let branch: string | undefined;
  const branchValue = read(ANNOTATION_BRANCH);
  if (branchValue !== undefined) {
    const name = branchValue.replace(/^refs\/heads\//, '');
    if (isValidBranchName(name)) {
      branch = name;
    } else {
      problem(ANNOTATION_BRANCH, branchValue, 'not a valid git branch name; using the default branch');
    }
  }

  let reconcileTimeoutMs: number | undefined;
  const timeoutValue = read(ANNOTATION_RECONCILE_TIMEOUT);
  if (timeoutValue !== undefined) {
    const ms = parseDuration(timeoutValue);
    if (ms === undefined) {
      problem(ANNOTATION_RECONCILE_TIMEOUT, timeoutValue, 'not a duration; write it like 90s, 10m or 1h30m');
    } else if (ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
      problem(ANNOTATION_RECONCILE_TIMEOUT, timeoutValue, 'must be between 10s and 24h');
    } else {
      reconcileTimeoutMs = ms;
    }
  }

  let mode = DEFAULT_MODE;
  const modeValue = read(ANNOTATION_MODE);
  if (modeValue !== undefined) {
    const found = GORT_MODES.find(m => m === modeValue.toLowerCase());
    if (found) {
      mode = found;
    } else {
      problem(ANNOTATION_MODE, modeValue, `must be one of ${GORT_MODES.join(', ')}; using ${DEFAULT_MODE}`);
    }
  }

  let ai: GortAiSwitch = 'on';
  const aiValue = read(ANNOTATION_AI);
  if (aiValue !== undefined) {
    const found = GORT_AI_SWITCHES.find(v => v === aiValue.trim().toLowerCase());
    if (found) {
      ai = found;
    } else {
      // Someone meant to say something about the AI: fail closed.
      ai = 'off';
      problem(ANNOTATION_AI, aiValue, `must be ${GORT_AI_SWITCHES.join(' or ')}; using off (nothing is sent to an AI provider)`);
    }
  }

  return {
    settings: { objects, docsPaths, targetRepo, fixRepo, branch, reconcileTimeoutMs, mode, ai },
    problems,
  };
}

/** A stable key for a watched object, e.g. `default:Kustomization/flux-system/app`. */
export function watchedObjectKey(object: WatchedObject): string {
  return `${object.cluster ?? ''}:${object.kind}/${object.namespace}/${object.name}`;
}

/** `Kind/namespace/name`, with the cluster prefix when there is one. */
export function formatWatchedObject(object: WatchedObject): string {
  const ref = `${object.kind}/${object.namespace}/${object.name}`;
  return object.cluster ? `${object.cluster}:${ref}` : ref;
}
