import type { PromptDiffFile } from '@gort-backstage/plugin-gort-node';
import { isUnder, normaliseRepoDir } from './allowedPaths';

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function dirOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

/** Repository paths quoted in evidence text (e.g. `apps/podinfo/deployment.yaml`). */
export function pathsNamedIn(text: string, existing: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z0-9_.\-/]+\.(?:ya?ml|json)\b/g)) {
    const candidate = match[0].replace(/^\.?\//, '');
    if (existing.has(candidate)) found.add(candidate);
  }
  return [...found];
}

/**
 * The files the AI sees, most useful first: files the push changed inside
 * the object's tree, the kustomization files of their directories and of
 * the tree's root, then files named by the evidence. Bounded by `max`.
 */
export function selectFixFiles(input: {
  specPath?: string;
  diff: PromptDiffFile[];
  treeFiles: string[];
  evidenceText: string;
  max: number;
}): string[] {
  const root = normaliseRepoDir(input.specPath);
  const existing = new Set(input.treeFiles);
  const chosen = new Set<string>();
  const add = (path: string) => {
    if (chosen.size < input.max && existing.has(path)) chosen.add(path);
  };
  const changed = input.diff.filter(f => f.status !== 'removed').map(f => f.path).filter(p => isUnder(p, root));
  changed.forEach(add);
  for (const dir of new Set([root, ...changed.map(dirOf)])) {
    for (const name of KUSTOMIZATION_NAMES) add(dir ? `${dir}/${name}` : name);
  }
  pathsNamedIn(input.evidenceText, existing).forEach(add);
  return [...chosen];
}
