import { spawn, SpawnOptions } from 'node:child_process';

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Print the command's output as it runs (long installs); otherwise keep it for errors. */
  echo?: boolean;
  timeoutMs?: number;
}

/** Runs a command to completion and returns its stdout; rejects with the tail of its output unless it exits 0. */
export async function run(
  command: string,
  args: string[],
  options: RunOptions,
): Promise<string> {
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  };
  const child = spawn(command, args, spawnOptions);
  const chunks: string[] = [];
  const stdout: string[] = [];
  const collect = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
    chunks.push(String(chunk));
    if (stream === process.stdout) stdout.push(String(chunk));
    if (options.echo) stream.write(chunk);
  };
  child.stdout?.on('data', collect(process.stdout));
  child.stderr?.on('data', collect(process.stderr));
  if (options.input !== undefined) {
    child.stdin?.on('error', () => {}); // a child that exits before reading all of it
    child.stdin?.end(options.input);
  }
  const timer = options.timeoutMs
    ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    : undefined;
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(timer));
  if (code !== 0) {
    const output = chunks.join('');
    throw new Error(
      `${command} ${args.join(' ')} (in ${
        options.cwd
      }) exited with ${code}:\n${output.slice(-6000)}`,
    );
  }
  return stdout.join('');
}

/** Polls `check` until it returns a value, or fails with the last error. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${
          last ? `: ${last}` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}
