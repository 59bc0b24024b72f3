import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/backendProcess';

const APP_DIR = join(REPO_ROOT, 'packages', 'app');

/**
 * The app's development server, started as `npm start` starts it
 * (`backstage-cli package start` in packages/app, which bundles with the
 * discovery `app.packages` asks for), with the given configuration files.
 */
export class AppDevServer {
  private child?: ChildProcess;
  private output: string[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly configFiles: string[],
  ) {}

  get log(): string {
    return this.output.join('');
  }

  async start(timeoutMs = 480_000): Promise<void> {
    const args = [
      'package',
      'start',
      ...this.configFiles.flatMap(file => ['--config', file]),
    ];
    const child = spawn(
      require.resolve('@backstage/cli/bin/backstage-cli'),
      args,
      {
        cwd: APP_DIR,
        // its own process group, so that stop() also ends what it starts
        detached: true,
        env: {
          ...process.env,
          BROWSER: 'none',
          FORCE_COLOR: '0',
          NODE_ENV: 'development',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    child.stdout?.on('data', chunk => this.output.push(String(chunk)));
    child.stderr?.on('data', chunk => this.output.push(String(chunk)));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(
          `the app dev server exited with ${child.exitCode}:\n${this.log.slice(
            -4000,
          )}`,
        );
      }
      try {
        // the dev server holds requests until the first bundle is built
        const res = await fetch(this.baseUrl, {
          signal: AbortSignal.timeout(30_000),
        });
        if (res.ok && (await res.text()).includes('id="root"')) return;
      } catch {
        // not listening or not built yet
      }
      await new Promise(r => setTimeout(r, 1000));
    }
    throw new Error(
      `the app dev server did not serve ${
        this.baseUrl
      } within ${timeoutMs} ms:\n${this.log.slice(-4000)}`,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null)
      return;
    const exited = new Promise<void>(resolveExit =>
      child.once('exit', () => resolveExit()),
    );
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(
      () => process.kill(-child.pid!, 'SIGKILL'),
      15_000,
    );
    await exited;
    clearTimeout(timer);
  }
}
