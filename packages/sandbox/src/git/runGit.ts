import { execFile } from 'node:child_process';
import os from 'node:os';

export interface RunGitOptions {
  /** Bare repository directory; passed as `--git-dir`. */
  gitDir?: string;
  /** Extra environment variables (merged over the isolated base environment). */
  env?: Record<string, string>;
  /** Data written to the process's stdin. */
  input?: string | Buffer;
  /** Exit codes other than 0 that are an expected answer rather than an error. */
  allowedExitCodes?: number[];
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (${exitCode}): ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

/**
 * The user's and system's git configuration must not change what the store
 * writes (default branch, hooks, signing, autocrlf...), so both are ignored.
 */
export function isolatedGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

const MAX_OUTPUT = 256 * 1024 * 1024;

export function runGit(args: string[], options: RunGitOptions = {}): Promise<GitResult> {
  const fullArgs = [
    '--literal-pathspecs',
    ...(options.gitDir ? ['--git-dir', options.gitDir] : []),
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      fullArgs,
      { env: isolatedGitEnv(options.env), encoding: 'buffer', maxBuffer: MAX_OUTPUT },
      (error, stdout, stderr) => {
        const exitCode = exitCodeOf(error);
        const stderrText = stderr.toString('utf8');
        if (exitCode === 0 || (exitCode !== null && options.allowedExitCodes?.includes(exitCode))) {
          resolve({ stdout, stderr: stderrText, exitCode });
        } else {
          reject(new GitCommandError(args, exitCode, stderrText || String(error?.message ?? '')));
        }
      },
    );
    child.stdin?.on('error', () => {
      // git may exit before reading all input (e.g. on an invalid object); the exit code reports it.
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** 0 on success, the process's exit code on failure, null when it did not exit normally. */
function exitCodeOf(error: Error | null): number | null {
  if (!error) return 0;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

export async function runGitText(args: string[], options: RunGitOptions = {}): Promise<string> {
  return (await runGit(args, options)).stdout.toString('utf8');
}
