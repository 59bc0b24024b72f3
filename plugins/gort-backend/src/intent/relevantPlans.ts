import type { PromptDiffFile } from '@gort-backstage/plugin-gort-node';
import { isUnder, normaliseRepoDir } from '../fixpr/allowedPaths';

export function isPlanPath(path: string, docsPaths: string[]): boolean {
  return /\.(md|markdown|txt)$/i.test(path) && docsPaths.some(docs => isUnder(path, normaliseRepoDir(docs)));
}

/** Plan documents the push changed: read them first. */
export function plansChangedByPush(diff: PromptDiffFile[], docsPaths: string[]): string[] {
  return diff.filter(f => f.status !== 'removed' && isPlanPath(f.path, docsPaths)).map(f => f.path);
}

/** Whether a plan document names the entity or one of its workloads/objects. */
export function planNamesApp(content: string, names: string[]): boolean {
  const text = content.toLowerCase();
  return names.some(name => name.length >= 3 && new RegExp(`(^|[^a-z0-9-])${name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9-])`).test(text));
}

/** GORT's own fix plans are records of past fixes, not intent. */
export function isGortFixPlan(path: string): boolean {
  return /(^|\/)gort-fix-[0-9a-f]{7}\.md$/.test(path);
}
