import { execFile } from 'node:child_process';

/** Runs git in `cwd`; resolves with its stdout, trimmed. */
export type Git = (args: string[]) => Promise<string>;

export function processGit(cwd: string = process.cwd()): Git {
  return args =>
    new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        { cwd, timeout: 30_000, maxBuffer: 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            reject(new Error((stderr || error.message).trim().split('\n')[0]));
            return;
          }
          resolve(stdout.trim());
        },
      );
    });
}

const FULL_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/i;

/** The full SHA of `ref` (a commit-ish) in the repository git runs in. */
export async function resolveCommit(git: Git, ref: string): Promise<string> {
  try {
    return (
      await git([
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${ref}^{commit}`,
      ])
    ).toLowerCase();
  } catch (error) {
    // a full SHA needs no repository (e.g. following a push made elsewhere)
    if (FULL_SHA.test(ref)) return ref.toLowerCase();
    throw new Error(
      `cannot resolve ${ref} to a commit here: ${
        (error as Error).message || 'unknown revision'
      }`,
    );
  }
}

/** A `git config` value of the repository, or undefined. */
export async function gitConfig(
  git: Git,
  key: string,
): Promise<string | undefined> {
  try {
    const value = await git(['config', '--get', key]);
    return value || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The alias `gort follow --install` writes: git has no post-push hook, so
 * `git <alias> [push args]` pushes, then follows HEAD when the push worked.
 */
export function pushFollowAlias(gortCommand: string): string {
  return `!f() { git push "$@" && ${gortCommand} follow; }; f`;
}
