import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findKubectl } from '../flux/kustomizeBuild';
import { createSelfSignedCertificate, TlsMaterial } from './tls';

const run = promisify(execFile);

/** The real kubectl on PATH, if any (tests that need it skip without it). */
export const KUBECTL = findKubectl();

/**
 * A throwaway HOME for real kubectl against the API stand-in. kubectl sends
 * bearer tokens only over HTTPS, so it comes with a certificate to serve.
 */
export interface KubectlHome {
  tls: TlsMaterial;
  /** Connection flags, then `args`. */
  args(server: string, token: string, ...args: string[]): string[];
  env: NodeJS.ProcessEnv;
  /** Runs kubectl asynchronously (the API server lives in this process). */
  run(server: string, token: string, ...args: string[]): Promise<string>;
  cleanup(): void;
}

export async function createKubectlHome(prefix: string): Promise<KubectlHome> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'config'), '');
  const tls = await createSelfSignedCertificate();
  writeFileSync(join(dir, 'ca.pem'), tls.cert);
  const env = { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'config') };
  const args = (server: string, token: string, ...rest: string[]) => [
    '--server',
    server,
    '--token',
    token,
    '--certificate-authority',
    join(dir, 'ca.pem'),
    '--cache-dir',
    join(dir, 'cache'),
    ...rest,
  ];
  return {
    tls,
    args,
    env,
    async run(server, token, ...rest) {
      const { stdout } = await run(KUBECTL!, args(server, token, ...rest), { env, timeout: 20_000 });
      return stdout;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
