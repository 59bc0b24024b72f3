import { minimatch } from 'minimatch';

/** Repository-relative directory of a Kustomization `spec.path` or a docs path ('' for the root). */
export function normaliseRepoDir(path: string | undefined): string {
  return (path ?? '')
    .trim()
    .replace(/^\.\/?/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
}

function treeGlob(dir: string): string {
  return dir ? `${dir}/**` : '**';
}

/** Default globs: the Flux object's `spec.path` tree and the docs paths. */
export function defaultAllowedGlobs(specPath: string | undefined, docsPaths: string[]): string[] {
  const globs = new Set<string>();
  if (specPath !== undefined) globs.add(treeGlob(normaliseRepoDir(specPath)));
  for (const docs of docsPaths) globs.add(treeGlob(normaliseRepoDir(docs)));
  return [...globs];
}

/** Paths no fix may touch, whatever the globs say. */
export function isForbiddenPath(path: string): boolean {
  return path === '.github' || path.startsWith('.github/') || path.includes('/.github/') || path.startsWith('.git/') || path === '.git';
}

export function matchesAllowedGlobs(path: string, globs: string[]): boolean {
  return globs.some(glob => minimatch(path, glob, { dot: true }));
}

/** Whether `path` lies in the directory `dir` ('' is the root). */
export function isUnder(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}
