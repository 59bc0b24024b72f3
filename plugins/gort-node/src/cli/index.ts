import { readFile } from 'node:fs/promises';
import { CliIo, main } from './main';

export { main, EXIT_OK, EXIT_USAGE } from './main';
export type { CliIo, Writable } from './main';

/** The real process environment for `main`. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    readFile: path => readFile(path, 'utf8'),
  };
}

/** Entry point of bin/gort. */
export async function run(
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  try {
    process.exitCode = await main(argv, processIo());
  } catch (error) {
    process.stderr.write(`gort: internal error: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
