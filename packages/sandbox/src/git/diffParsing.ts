/** Pure parsers turning `git diff` output into GitHub's "files" entries. */

export type FileChangeStatus =
  | 'added'
  | 'removed'
  | 'modified'
  | 'renamed'
  | 'copied'
  | 'changed'
  | 'unchanged';

export interface ChangedFile {
  filename: string;
  previousFilename?: string;
  status: FileChangeStatus;
  /** Blob sha on the head side (the base side for removed files). */
  sha: string;
  additions: number;
  deletions: number;
  changes: number;
  /** Hunks only (starting at the first `@@`), as GitHub returns it; absent for binary files. */
  patch?: string;
  binary: boolean;
}

interface RawEntry {
  oldSha: string;
  newSha: string;
  statusLetter: string;
  path: string;
  previousPath?: string;
}

const STATUS_BY_LETTER: Record<string, FileChangeStatus> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
};

function statusFromLetter(letter: string): FileChangeStatus {
  return STATUS_BY_LETTER[letter] ?? 'modified';
}

/** `git diff --raw -z --full-index`: `:<m1> <m2> <sha1> <sha2> <status>\0<path>\0[<path2>\0]` */
export function parseRawDiff(output: string): RawEntry[] {
  const tokens = output.split('\0');
  const entries: RawEntry[] = [];
  let index = 0;
  while (index < tokens.length) {
    const header = tokens[index];
    if (!header.startsWith(':')) {
      index += 1;
      continue;
    }
    const [, , oldSha, newSha, status] = header.slice(1).split(' ');
    const letter = status.charAt(0);
    if (letter === 'R' || letter === 'C') {
      entries.push({ oldSha, newSha, statusLetter: letter, previousPath: tokens[index + 1], path: tokens[index + 2] });
      index += 3;
    } else {
      entries.push({ oldSha, newSha, statusLetter: letter, path: tokens[index + 1] });
      index += 2;
    }
  }
  return entries;
}

interface NumstatEntry {
  additions: number;
  deletions: number;
  binary: boolean;
}

/** `git diff --numstat -z`: `<add>\t<del>\t<path>\0` or, for renames, `<add>\t<del>\t\0<old>\0<new>\0`. */
export function parseNumstat(output: string): NumstatEntry[] {
  const tokens = output.split('\0');
  const entries: NumstatEntry[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    const match = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(token);
    if (!match) {
      index += 1;
      continue;
    }
    const binary = match[1] === '-';
    entries.push({
      additions: binary ? 0 : Number(match[1]),
      deletions: binary ? 0 : Number(match[2]),
      binary,
    });
    index += match[3] === '' ? 3 : 1;
  }
  return entries;
}

/** Splits a full `git diff` patch into per-file hunk text, in output order. */
export function splitPatchByFile(patch: string): Array<string | undefined> {
  const sections = patch.split(/^diff --git /m).slice(1);
  return sections.map(section => {
    const hunkStart = section.search(/^@@ /m);
    if (hunkStart === -1) return undefined;
    return section.slice(hunkStart).replace(/\n$/, '');
  });
}

/**
 * Combines the three views of one `git diff`. All three list files in the
 * same order, which is what makes matching by position safe.
 */
export function combineDiff(rawOutput: string, numstatOutput: string, patchOutput: string): ChangedFile[] {
  const raw = parseRawDiff(rawOutput);
  const numstat = parseNumstat(numstatOutput);
  const patches = splitPatchByFile(patchOutput);
  const patchesAligned = patches.length === raw.length;
  return raw.map((entry, position) => {
    const stats = numstat[position] ?? { additions: 0, deletions: 0, binary: false };
    const status = statusFromLetter(entry.statusLetter);
    const file: ChangedFile = {
      filename: entry.path,
      status,
      sha: status === 'removed' ? entry.oldSha : entry.newSha,
      additions: stats.additions,
      deletions: stats.deletions,
      changes: stats.additions + stats.deletions,
      binary: stats.binary,
    };
    if (entry.previousPath !== undefined) file.previousFilename = entry.previousPath;
    const patch = patchesAligned ? patches[position] : undefined;
    if (patch !== undefined && !stats.binary) file.patch = patch;
    return file;
  });
}

/** `git diff-tree --name-status -z`: used for the added/removed/modified lists of push payloads. */
export function parseNameStatus(output: string): { added: string[]; removed: string[]; modified: string[] } {
  const tokens = output.split('\0').filter(token => token.length > 0);
  const result = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
  let index = 0;
  while (index < tokens.length) {
    const letter = tokens[index].charAt(0);
    if (letter === 'R' || letter === 'C') {
      const [from, to] = [tokens[index + 1], tokens[index + 2]];
      if (letter === 'R') result.removed.push(from);
      result.added.push(to);
      index += 3;
    } else {
      const path = tokens[index + 1];
      if (letter === 'A') result.added.push(path);
      else if (letter === 'D') result.removed.push(path);
      else if (path !== undefined) result.modified.push(path);
      index += 2;
    }
  }
  return result;
}
