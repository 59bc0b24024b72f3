import { readFile } from 'node:fs/promises';

export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything a command may touch outside the process, injected so commands are testable. */
export interface CliIo {
  stdin: string | AsyncIterable<string | Uint8Array>;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  readFile(path: string): Promise<string>;
}

/** The real process environment. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    readFile: path => readFile(path, 'utf8'),
  };
}
