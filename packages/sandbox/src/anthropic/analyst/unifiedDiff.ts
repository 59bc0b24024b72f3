/** A unified diff as git and GitHub print it, read into files, hunks and change groups. */

export interface DiffLine {
  kind: ' ' | '-' | '+';
  text: string;
}

export interface DiffHunk {
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

export interface DiffFile {
  /** Undefined for a file the push added. */
  oldPath?: string;
  /** Undefined for a file the push removed. */
  newPath?: string;
  hunks: DiffHunk[];
}

/**
 * One run of removed/added lines inside a hunk, with the lines of the pushed
 * file around it (context and other groups' added lines), for anchoring.
 */
export interface ChangeGroup {
  path: string;
  /** Index of the hunk in its file. */
  hunk: number;
  removed: string[];
  added: string[];
  newLinesBefore: string[];
  newLinesAfter: string[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function stripPrefix(path: string): string | undefined {
  if (path === '/dev/null') return undefined;
  return path.replace(/^[ab]\//, '').replace(/\t.*$/, '');
}

export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let hunk: DiffHunk | undefined;
  let oldRemaining = 0;
  let newRemaining = 0;

  for (const line of text.split('\n')) {
    if (hunk && (oldRemaining > 0 || newRemaining > 0)) {
      const kind = line[0];
      if (kind === ' ' || (kind === undefined && line === '')) {
        hunk.lines.push({ kind: ' ', text: line.slice(1) });
        oldRemaining -= 1;
        newRemaining -= 1;
        continue;
      }
      if (kind === '-') {
        hunk.lines.push({ kind: '-', text: line.slice(1) });
        oldRemaining -= 1;
        continue;
      }
      if (kind === '+') {
        hunk.lines.push({ kind: '+', text: line.slice(1) });
        newRemaining -= 1;
        continue;
      }
      if (kind === '\\') continue; // "\ No newline at end of file"
      hunk = undefined; // malformed or cut hunk: resume header parsing
    }
    if (line.startsWith('diff --git ')) {
      const match = /^diff --git (\S+) (\S+)$/.exec(line);
      file = {
        oldPath: match ? stripPrefix(match[1]) : undefined,
        newPath: match ? stripPrefix(match[2]) : undefined,
        hunks: [],
      };
      files.push(file);
      hunk = undefined;
      continue;
    }
    if (line.startsWith('--- ')) {
      if (!file || file.hunks.length > 0) {
        file = { hunks: [] };
        files.push(file);
      }
      file.oldPath = stripPrefix(line.slice(4));
      continue;
    }
    if (line.startsWith('+++ ') && file) {
      file.newPath = stripPrefix(line.slice(4));
      continue;
    }
    const header = HUNK_HEADER.exec(line);
    if (header && file) {
      hunk = {
        oldStart: Number(header[1]),
        newStart: Number(header[3]),
        lines: [],
      };
      oldRemaining = header[2] === undefined ? 1 : Number(header[2]);
      newRemaining = header[4] === undefined ? 1 : Number(header[4]);
      file.hunks.push(hunk);
    }
  }
  return files;
}

export function changeGroups(file: DiffFile): ChangeGroup[] {
  const path = file.newPath ?? file.oldPath;
  if (!path) return [];
  const groups: ChangeGroup[] = [];
  file.hunks.forEach((hunk, hunkIndex) => {
    const newSide = hunk.lines
      .filter(line => line.kind !== '-')
      .map(line => line.text);
    let newIndex = 0;
    let index = 0;
    while (index < hunk.lines.length) {
      if (hunk.lines[index].kind === ' ') {
        newIndex += 1;
        index += 1;
        continue;
      }
      const removed: string[] = [];
      const added: string[] = [];
      const groupNewStart = newIndex;
      while (index < hunk.lines.length && hunk.lines[index].kind !== ' ') {
        const line = hunk.lines[index];
        if (line.kind === '-') removed.push(line.text);
        else {
          added.push(line.text);
          newIndex += 1;
        }
        index += 1;
      }
      groups.push({
        path,
        hunk: hunkIndex,
        removed,
        added,
        newLinesBefore: newSide.slice(0, groupNewStart),
        newLinesAfter: newSide.slice(newIndex),
      });
    }
  });
  return groups;
}

/** The whole old content of a file the push deleted, when its patch holds all of it. */
export function deletedFileContent(file: DiffFile): string | undefined {
  if (file.newPath !== undefined || !file.oldPath || file.hunks.length !== 1)
    return undefined;
  const [hunk] = file.hunks;
  if (hunk.oldStart > 1 || hunk.lines.some(line => line.kind !== '-'))
    return undefined;
  return `${hunk.lines.map(line => line.text).join('\n')}\n`;
}
