import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './exec';
import { NodeRuntime } from './nodes';

export interface CliSmokeResult {
  node: string;
  installSeconds: number;
  category: string;
}

/**
 * Installs the packed CLI into an empty folder with one Node's npm and runs
 * `gort diagnose --json` on a recorded Flux failure with that Node. The
 * CLI's own dependencies on the unpublished -node and -common packages are
 * given as tarballs too.
 */
export async function cliFromTarball(
  runtime: NodeRuntime,
  dir: string,
  tarballs: string[],
  fixture: { file: string; category: string; object: string },
): Promise<CliSmokeResult> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'gort-cli-smoke', private: true }),
  );
  const env = {
    ...process.env,
    PATH: `${join(runtime.node, '..')}:${process.env.PATH}`,
  };
  const started = Date.now();
  await run(
    runtime.node,
    [
      runtime.npmCli,
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      ...tarballs,
    ],
    { cwd: dir, env },
  );
  const installSeconds = Math.round((Date.now() - started) / 100) / 10;
  const bin = join(dir, 'node_modules', '.bin', 'gort');
  const output = await run(
    runtime.node,
    [bin, 'diagnose', '--json', fixture.file],
    { cwd: dir, env },
  );
  const diagnosis = JSON.parse(output);
  if (
    diagnosis.category !== fixture.category ||
    diagnosis.object !== fixture.object
  ) {
    throw new Error(
      `gort diagnose on Node ${runtime.version} said ${diagnosis.category} ${diagnosis.object}, expected ${fixture.category} ${fixture.object}`,
    );
  }
  const help = await run(runtime.node, [bin, '--help'], { cwd: dir, env });
  if (!/^\s+diagnose\b/m.test(help))
    throw new Error(`gort --help does not list diagnose:\n${help}`);
  return {
    node: runtime.version,
    installSeconds,
    category: diagnosis.category,
  };
}
