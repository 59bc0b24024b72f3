/** Reading a bare repository with the git CLI, the way source-controller fetches a branch. */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type BranchLookup =
  | { ok: true; sha: string; message: string }
  | {
      ok: false;
      error: 'repository-not-found' | 'ref-not-found' | 'git-failed';
      detail: string;
    };

export async function resolveBranch(
  gitDir: string | undefined,
  branch: string,
): Promise<BranchLookup> {
  if (!gitDir || !existsSync(gitDir))
    return {
      ok: false,
      error: 'repository-not-found',
      detail: 'repository not found',
    };
  try {
    const { stdout } = await run('git', [
      '--git-dir',
      gitDir,
      'rev-parse',
      '--verify',
      '--quiet',
      `refs/heads/${branch}^{commit}`,
    ]);
    const sha = stdout.trim();
    const { stdout: subject } = await run('git', [
      '--git-dir',
      gitDir,
      'log',
      '-1',
      '--format=%s',
      sha,
    ]);
    return { ok: true, sha, message: subject.trim() };
  } catch (error: any) {
    if (error?.code === 1)
      return {
        ok: false,
        error: 'ref-not-found',
        detail: `couldn't find remote ref "refs/heads/${branch}"`,
      };
    return {
      ok: false,
      error: 'git-failed',
      detail: String(error?.stderr || error?.message || error).trim(),
    };
  }
}

export async function treeId(gitDir: string, sha: string): Promise<string> {
  const { stdout } = await run('git', [
    '--git-dir',
    gitDir,
    'rev-parse',
    `${sha}^{tree}`,
  ]);
  return stdout.trim();
}

/** Writes the tree of `sha` into `destDir` (git archive | tar -x). */
export function extractCommit(
  gitDir: string,
  sha: string,
  destDir: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn(
      'git',
      ['--git-dir', gitDir, 'archive', '--format=tar', sha],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const tar = spawn('tar', ['-x', '-C', destDir], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    archive.stderr.on('data', d => (stderr += d));
    tar.stderr.on('data', d => (stderr += d));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        reject(new Error(`failed to extract ${sha}: ${stderr.trim()}`));
      }
      if (--pending === 0 && !failed) resolve();
    };
    archive.on('error', reject);
    tar.on('error', reject);
    archive.on('close', done);
    tar.on('close', done);
  });
}

/** The content of `path` in commit `sha`, or undefined when the commit has no such file. */
export async function readFileAtCommit(
  gitDir: string,
  sha: string,
  path: string,
): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', [
      '--git-dir',
      gitDir,
      'show',
      `${sha}:${path.replace(/^\.\//, '')}`,
    ]);
    return stdout;
  } catch {
    return undefined;
  }
}

/** The commit of a GitRepository artifact revision: `<ref>@sha1:<sha>` or legacy `<branch>/<sha>`. */
export function revisionCommit(revision: string): string | undefined {
  const sha = revision.split('sha1:')[1] ?? revision.split('/').pop();
  return sha && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

/** Unpacks a gzipped tarball (an OCI artifact layer) into `destDir`. */
export function extractTarGz(data: Buffer, destDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-xz', '-C', destDir], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    tar.stderr.on('data', d => (stderr += d));
    tar.on('error', reject);
    tar.on('close', code =>
      code === 0
        ? resolve()
        : reject(new Error(`failed to extract artifact: ${stderr.trim()}`)),
    );
    tar.stdin.end(data);
  });
}
