/** Pure parsers for git plumbing output. */

export interface GitPerson {
  name: string;
  email: string;
  /** ISO 8601 in UTC, e.g. 2024-01-01T00:00:00Z (GitHub's format). */
  date: string;
}

export interface CommitObject {
  sha: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
}

export type TreeEntryType = 'blob' | 'tree' | 'commit';

export interface TreeEntry {
  mode: string;
  type: TreeEntryType;
  sha: string;
  /** Size in bytes for blobs; undefined for trees and submodules. */
  size?: number;
  path: string;
}

export interface RefEntry {
  ref: string;
  sha: string;
  /** Object type the ref points at (annotated tags point at `tag` objects). */
  type: string;
}

export function toIsoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `Name <email> 1700000000 +0100` */
export function parsePersonLine(line: string): GitPerson {
  const match = /^(.*) <([^>]*)> (-?\d+) ([+-]\d{4})$/.exec(line);
  if (!match) return { name: line, email: '', date: toIsoSeconds(new Date(0)) };
  return { name: match[1], email: match[2], date: toIsoSeconds(new Date(Number(match[3]) * 1000)) };
}

export function parseCommitObject(sha: string, raw: string): CommitObject {
  const separator = raw.indexOf('\n\n');
  const headerText = separator === -1 ? raw : raw.slice(0, separator);
  const message = separator === -1 ? '' : raw.slice(separator + 2);
  let tree = '';
  const parents: string[] = [];
  let author: GitPerson | undefined;
  let committer: GitPerson | undefined;
  for (const line of headerText.split('\n')) {
    // Continuation lines (e.g. of gpgsig) start with a space and are not needed.
    if (line.startsWith(' ')) continue;
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parsePersonLine(value);
    else if (key === 'committer') committer = parsePersonLine(value);
  }
  const unknown = { name: '', email: '', date: toIsoSeconds(new Date(0)) };
  return {
    sha,
    tree,
    parents,
    author: author ?? unknown,
    committer: committer ?? author ?? unknown,
    message: message.replace(/\n$/, ''),
  };
}

/** Output of `git ls-tree -z -l`: `<mode> SP <type> SP <sha> SP+ <size> TAB <path> NUL`. */
export function parseLsTree(output: string): TreeEntry[] {
  return output
    .split('\0')
    .filter(record => record.length > 0)
    .map(record => {
      const tab = record.indexOf('\t');
      const [mode, type, sha, size] = record.slice(0, tab).trim().split(/\s+/);
      return {
        mode,
        type: type as TreeEntryType,
        sha,
        size: size === '-' || size === undefined ? undefined : Number(size),
        path: record.slice(tab + 1),
      };
    });
}

/** Output of `git for-each-ref --format=%(refname)%00%(objectname)%00%(objecttype)` (one per line). */
export function parseForEachRef(output: string): RefEntry[] {
  return output
    .split('\n')
    .filter(line => line.length > 0)
    .map(line => {
      const [ref, sha, type] = line.split('\0');
      return { ref, sha, type };
    });
}

export const ZERO_SHA = '0000000000000000000000000000000000000000';
