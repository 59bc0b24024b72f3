import type { ReplaceEdit } from '@gort-backstage/plugin-gort-node';
import { ChangeGroup } from './unifiedDiff';

const MAX_ANCHOR_LINES = 8;

/** Occurrences of `needle` in `haystack`, overlapping ones included. */
export function countOccurrences(haystack: string, needle: string): number {
  if (needle.length === 0) return 0;
  let count = 0;
  for (
    let at = haystack.indexOf(needle);
    at >= 0;
    at = haystack.indexOf(needle, at + 1)
  ) {
    count += 1;
  }
  return count;
}

/**
 * Merges groups of one hunk into a single span so that restoring them yields
 * one edit instead of overlapping ones. Groups must come from the same file,
 * in diff order.
 */
export function mergeAdjacentGroups(groups: ChangeGroup[]): ChangeGroup[] {
  const merged: ChangeGroup[] = [];
  for (const group of groups) {
    const previous = merged[merged.length - 1];
    const between = previous ? linesBetween(previous, group) : undefined;
    if (previous && between !== undefined) {
      merged[merged.length - 1] = {
        path: group.path,
        hunk: group.hunk,
        removed: [...previous.removed, ...between, ...group.removed],
        added: [...previous.added, ...between, ...group.added],
        newLinesBefore: previous.newLinesBefore,
        newLinesAfter: group.newLinesAfter,
      };
    } else {
      merged.push(group);
    }
  }
  return merged;
}

/** Context lines between two groups of the same hunk, or undefined when they are in different hunks. */
function linesBetween(
  first: ChangeGroup,
  second: ChangeGroup,
): string[] | undefined {
  if (first.path !== second.path || first.hunk !== second.hunk)
    return undefined;
  const start = first.newLinesBefore.length + first.added.length;
  return second.newLinesBefore.slice(start);
}

/** Whole lines, each with its line break, so that removing lines leaves no blank line behind. */
function asLines(lines: string[]): string {
  return lines.map(line => `${line}\n`).join('');
}

/**
 * A replace edit that puts back what the push removed and takes out what it
 * added, anchored with as few surrounding lines as make `search` occur exactly
 * once in `content`.
 */
export function restoringEdit(
  group: ChangeGroup,
  content: string,
): ReplaceEdit | undefined {
  for (let anchor = 0; anchor <= MAX_ANCHOR_LINES; anchor++) {
    const before = anchor > 0 ? group.newLinesBefore.slice(-anchor) : [];
    const after = group.newLinesAfter.slice(0, anchor);
    const searchLines = [...before, ...group.added, ...after];
    if (searchLines.length === 0) continue;
    const replaceLines = [...before, ...group.removed, ...after];
    const candidates = [
      { search: asLines(searchLines), replace: asLines(replaceLines) },
      // The file's last line may lack a line break; then only a same-shaped edit is safe.
      ...(group.added.length > 0 && group.removed.length > 0
        ? [{ search: searchLines.join('\n'), replace: replaceLines.join('\n') }]
        : []),
    ];
    for (const { search, replace } of candidates) {
      if (search !== replace && countOccurrences(content, search) === 1) {
        return { kind: 'replace', path: group.path, search, replace };
      }
    }
    const ranOutOfContext =
      before.length === group.newLinesBefore.length &&
      after.length === group.newLinesAfter.length;
    if (ranOutOfContext) return undefined;
  }
  return undefined;
}

/** Applies a replace edit whose search occurs exactly once; undefined otherwise. */
export function applyReplace(
  content: string,
  edit: ReplaceEdit,
): string | undefined {
  if (countOccurrences(content, edit.search) !== 1) return undefined;
  const at = content.indexOf(edit.search);
  return (
    content.slice(0, at) + edit.replace + content.slice(at + edit.search.length)
  );
}
