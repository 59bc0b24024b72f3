import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const BACKEND_DIR = resolve(REPO_ROOT, 'packages', 'backend');

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether nothing listens on `port` (any interface), so a server may take it. */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise(resolveFree => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, () => server.close(() => resolveFree(true)));
  });
}

/**
 * The real Backstage backend of `packages/backend` (with GORT installed), run
 * from source through Backstage's Node transform, as its own process.
 */
export class BackendProcess {
  private child?: ChildProcess;
  private output: string[] = [];

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly configFiles: string[],
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Everything the process printed (its log), for assertions and failures. */
  get log(): string {
    // the logger colours its fields even with FORCE_COLOR=0: matched on plain text
    return stripVTControlCharacters(this.output.join(''));
  }

  async start(timeoutMs = 120_000): Promise<void> {
    this.output = [];
    const args = [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      ...this.configFiles.flatMap(file => ['--config', file]),
    ];
    const child = spawn(process.execPath, args, {
      cwd: BACKEND_DIR,
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', chunk => this.output.push(String(chunk)));
    child.stderr?.on('data', chunk => this.output.push(String(chunk)));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`backend ${this.name} exited with ${child.exitCode}:\n${this.log.slice(-4000)}`);
      }
      try {
        const res = await fetch(`${this.baseUrl}/.backstage/health/v1/readiness`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise(r => setTimeout(r, 250));
    }
    const problems = this.log
      .split('\n')
      .filter(line => /\b(error|warn)\b/i.test(line) && !line.includes('incomingRequest'))
      .slice(-20)
      .join('\n');
    throw new Error(`backend ${this.name} not ready after ${timeoutMs} ms; warnings and errors:\n${problems}`);
  }

  /** Stops the process; SIGKILL simulates a crash (no shutdown hooks run). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>(resolveExit => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolveExit();
      });
      child.kill(signal);
    });
  }
}
