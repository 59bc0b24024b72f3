/** A real bare git repository plus a work tree for tests: commit a whole file map, get the sha. */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { RepoFiles } from './scenarios';

const run = promisify(execFile);

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Sandbox Test',
  GIT_AUTHOR_EMAIL: 'sandbox@example.invalid',
  GIT_COMMITTER_NAME: 'Sandbox Test',
  GIT_COMMITTER_EMAIL: 'sandbox@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export interface TestGitRepository {
  root: string;
  gitDir: string;
  /** Replaces the branch content with `files` and pushes; returns the new commit sha. */
  commit(files: RepoFiles, message: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createTestGitRepository(
  branch = 'main',
): Promise<TestGitRepository> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-'));
  const gitDir = join(root, 'repo.git');
  const work = join(root, 'work');
  const git = (cwd: string, ...args: string[]) =>
    run('git', args, { cwd, env: gitEnv });
  await git(
    root,
    'init',
    '--quiet',
    '--bare',
    `--initial-branch=${branch}`,
    gitDir,
  );
  await git(root, 'init', '--quiet', `--initial-branch=${branch}`, work);
  await git(work, 'remote', 'add', 'origin', gitDir);
  return {
    root,
    gitDir,
    async commit(files, message) {
      await git(work, 'rm', '-r', '--quiet', '--ignore-unmatch', '.');
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), content);
      }
      await git(work, 'add', '-A');
      await git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
      await git(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
      const { stdout } = await git(work, 'rev-parse', 'HEAD');
      return stdout.trim();
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
