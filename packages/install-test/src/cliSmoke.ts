import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
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
 * `gort diagnose --json` on a recorded Flux failure with that Node, and
 * `gort follow` against a closed port (exit 2). The
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
  if (!/^\s+diagnose\b/m.test(help) || !/^\s+follow\b/m.test(help))
    throw new Error(`gort --help does not list diagnose and follow:\n${help}`);
  // `gort follow` loads and runs on this Node too: with nothing listening
  // at the backend URL it exits 2 (network error) after one request.
  const port = await closedPort();
  const follow = await run(
    runtime.node,
    [
      bin,
      'follow',
      'a'.repeat(40),
      '--backend-url',
      `http://127.0.0.1:${port}`,
      '--wait-for-runs',
      '1s',
    ],
    { cwd: dir, env: { ...env, GORT_TOKEN: 'smoke' } },
  ).then(
    () => 'exited with 0',
    (error: Error) => error.message,
  );
  if (!/exited with 2:[\s\S]*gort: cannot reach/.test(follow))
    throw new Error(
      `gort follow on Node ${runtime.version}: expected exit 2 (cannot reach), got ${follow}`,
    );
  return {
    node: runtime.version,
    installSeconds,
    category: diagnosis.category,
  };
}

/** A port on which nothing listens (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}
