import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface NodeRuntime {
  major: number;
  version: string;
  node: string;
  /** npm's CLI script, run with this node. */
  npmCli: string;
}

function versionOf(node: string): string | undefined {
  const probe = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function npmCli(env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const npm = join(dir, 'npm');
    if (existsSync(npm)) return realpathSync(npm);
  }
  throw new Error('no npm on PATH');
}

/**
 * The Node runtimes wanted, by major version: this process's Node and every
 * `node` on PATH. The CLI must run on each; a missing one is an error.
 */
export function findNodes(
  majors: number[],
  env: NodeJS.ProcessEnv = process.env,
): NodeRuntime[] {
  const candidates = [process.execPath];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const node = join(dir, 'node');
    if (dir && existsSync(node)) candidates.push(realpathSync(node));
  }
  const cli = npmCli(env);
  return majors.map(major => {
    for (const node of candidates) {
      const version = versionOf(node);
      if (version && Number(version.slice(1).split('.')[0]) === major) {
        return { major, version, node, npmCli: cli };
      }
    }
    throw new Error(
      `no Node ${major} found (looked at ${[...new Set(candidates)].join(
        ', ',
      )})`,
    );
  });
}
