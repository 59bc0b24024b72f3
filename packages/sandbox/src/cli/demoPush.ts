import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { readRepoFiles, RepoFiles, SCENARIOS } from '../flux';

const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Demo Developer',
      GIT_AUTHOR_EMAIL: 'developer@acme.example',
      GIT_COMMITTER_NAME: 'Demo Developer',
      GIT_COMMITTER_EMAIL: 'developer@acme.example',
    },
  });
  return stdout.trim();
}

async function listFiles(dir: string): Promise<string[]> {
  const out = await git(dir, 'ls-files');
  return out ? out.split('\n') : [];
}

/**
 * Clones a sandbox repository over git smart HTTP, changes its files,
 * commits and pushes, exactly as a developer would; the sandbox then sends
 * the signed push webhook. Returns the pushed commit.
 */
export async function pushChange(options: {
  cloneUrl: string;
  token: string;
  message: string;
  change: (files: RepoFiles) => RepoFiles | Promise<RepoFiles>;
}): Promise<{ sha: string; message: string }> {
  const work = await mkdtemp(join(tmpdir(), 'gort-demo-push-'));
  try {
    const url = new URL(options.cloneUrl);
    url.username = 'demo';
    url.password = options.token;
    await run('git', ['clone', '--quiet', url.toString(), work]);
    const files: RepoFiles = {};
    for (const path of await listFiles(work)) {
      files[path] = await readFile(join(work, path), 'utf8');
    }
    const next = await options.change(files);
    for (const path of Object.keys(files)) {
      if (!(path in next)) await rm(join(work, path));
    }
    for (const [path, content] of Object.entries(next)) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await git(work, 'add', '-A');
    await git(work, 'commit', '--quiet', '--allow-empty', '-m', options.message);
    await git(work, 'push', '--quiet', 'origin', 'HEAD');
    return { sha: await git(work, 'rev-parse', 'HEAD'), message: options.message };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Pushes one of the named scenarios (see flux/scenarios.ts). */
export async function demoPush(options: {
  cloneUrl: string;
  token: string;
  scenario: string;
}): Promise<{ sha: string; message: string }> {
  const scenario = SCENARIOS[options.scenario];
  if (!scenario) {
    throw new Error(`unknown scenario "${options.scenario}"; one of: ${Object.keys(SCENARIOS).join(', ')}`);
  }
  const seed = await readRepoFiles();
  return pushChange({
    cloneUrl: options.cloneUrl,
    token: options.token,
    message: scenario.commitMessage,
    change: files => scenario.apply(files, { seed }),
  });
}
