/*
 * The install test: the published packages, packed, in a fresh Backstage app.
 *
 *   1. build and `npm pack` the five published packages (each at most 1 MB,
 *      no src/, no fixtures), and run the packed CLI on Node 20 and 22;
 *   2. generate an app with @backstage/create-app (same release line) outside
 *      this repository and install it with npm;
 *   3. install the tarballs and wire GORT as docs/install.md says;
 *   4. start it against the sandbox: /api/gort/watchers answers and the GitOps
 *      tab renders in Chromium; the legacy exports render in a legacy test app.
 *
 * Nothing is cached between runs: every run starts from an empty folder.
 * GORT_INSTALL_TEST_KEEP=1 keeps that folder for a look afterwards.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox } from '@gort-backstage/sandbox';
import { checkBackend, checkGitOpsTab } from './checks';
import { cliFromTarball, CliSmokeResult } from './cliSmoke';
import { createApp, installGort, installWithNpm, wireGort } from './freshApp';
import { readDocSteps } from './installDoc';
import { runLegacyTest } from './legacyApp/runLegacyTest';
import { findNodes } from './nodes';
import { buildPackages, PackedPackage, packPackages, tarballOf } from './pack';
import { startApp } from './startApp';
import { Timings } from './timings';

// eslint-disable-next-line no-restricted-syntax
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const ARTIFACTS = join(REPO_ROOT, 'e2e-artifacts', 'install-test');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CLI_FIXTURE = {
  file: join(
    REPO_ROOT,
    'plugins',
    'gort-node',
    'src',
    'diagnosis',
    '__fixtures__',
    'flux-failures',
    'case-61.yaml',
  ),
  category: 'source-auth',
  object: 'GitRepository/flux-system/app',
};

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolvePort(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

function summary(
  timings: Timings,
  packed: PackedPackage[],
  cli: CliSmokeResult[],
): string {
  const lines = ['', 'install test summary', '', 'step | wall time', '---|---'];
  for (const s of timings.steps)
    lines.push(`${s.name}${s.ok ? '' : ' (FAILED)'} | ${s.seconds} s`);
  lines.push(
    `total | ${timings.totalSeconds} s`,
    '',
    'package | tarball | unpacked | files',
    '---|---|---|---',
  );
  for (const p of packed) {
    lines.push(
      `${p.name} | ${(p.size / 1024).toFixed(1)} KiB | ${(
        p.unpackedSize / 1024
      ).toFixed(1)} KiB | ${p.files}`,
    );
  }
  if (cli.length) {
    lines.push('', 'packed CLI | npm install | gort diagnose', '---|---|---');
    for (const c of cli)
      lines.push(`Node ${c.node} | ${c.installSeconds} s | ${c.category}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const timings = new Timings();
  const packed: PackedPackage[] = [];
  const cli: CliSmokeResult[] = [];
  const workDir = await mkdtemp(join(tmpdir(), 'gort-install-test-'));
  const appDir = join(workDir, 'app');
  const cleanups: Array<() => Promise<void>> = [];
  let failure: unknown;
  try {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `no Chromium at ${CHROMIUM}: install Debian's chromium package`,
      );
    await mkdir(ARTIFACTS, { recursive: true });
    await mkdir(ARTIFACTS, { recursive: true });
    const steps = readDocSteps(
      await readFile(join(REPO_ROOT, 'docs', 'install.md'), 'utf8'),
    );
    const nodes = findNodes([20, 22]);

    await timings.step('build the packages', () => buildPackages(REPO_ROOT));
    packed.push(
      ...(await timings.step('npm pack (checked with --dry-run)', () =>
        packPackages(REPO_ROOT, join(workDir, 'tarballs')),
      )),
    );
    const tarball = (name: Parameters<typeof tarballOf>[1]) =>
      tarballOf(packed, name);
    for (const runtime of nodes) {
      cli.push(
        await timings.step(`packed CLI on Node ${runtime.major}`, () =>
          cliFromTarball(
            runtime,
            join(workDir, `cli-node${runtime.major}`),
            [
              tarball('@gort-backstage/cli'),
              tarball('@gort-backstage/plugin-gort-node'),
              tarball('@gort-backstage/plugin-gort-common'),
            ],
            CLI_FIXTURE,
          ),
        ),
      );
    }

    const release = JSON.parse(
      await readFile(join(REPO_ROOT, 'backstage.json'), 'utf8'),
    ).version;
    await timings.step('create-app (scaffold)', () =>
      createApp(workDir, appDir, release),
    );
    const allowScripts = JSON.parse(
      await readFile(join(REPO_ROOT, 'package.json'), 'utf8'),
    ).allowScripts;
    await timings.step('npm install of the scaffold', () =>
      installWithNpm(appDir, allowScripts),
    );
    await timings.step('install the tarballs (docs/install.md step 1)', () =>
      installGort(
        appDir,
        steps,
        Object.fromEntries(packed.map(p => [p.name, p.tarball])),
        [
          '@gort-backstage/plugin-gort-common',
          '@gort-backstage/plugin-gort-node',
        ],
      ),
    );
    await timings.step('wire backend and config (steps 2 and 3)', () =>
      wireGort(appDir, steps),
    );

    const sandbox = await timings.step('start the sandbox', () =>
      startSandbox({
        dataDir: join(workDir, 'sandbox'),
        kubePort: 0,
        githubPort: 0,
        anthropicPort: 0,
        fluxTickMs: 200,
        // kubectl and @kubernetes/client-node send tokens only over HTTPS
        kubeTls: true,
      }),
    );
    cleanups.push(() => sandbox.close());
    const app = await timings.step(
      'npm start (app dev server + backend)',
      async () =>
        startApp(
          appDir,
          sandbox,
          { app: await freePort(), backend: await freePort() },
          join(ARTIFACTS, 'npm-start.log'),
        ),
    );
    cleanups.unshift(() => app.stop());
    const recorded = await timings.step(
      '/api/gort/watchers and the live status',
      () => checkBackend(app),
    );
    await timings.step('GitOps tab in Chromium', () =>
      checkGitOpsTab(app, ARTIFACTS, CHROMIUM),
    );
    await timings.step('legacy exports in a legacy test app', () =>
      runLegacyTest(appDir, REPO_ROOT, recorded),
    );
  } catch (error) {
    failure = error;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    if (process.env.GORT_INSTALL_TEST_KEEP === '1')
      process.stdout.write(`[install-test] kept ${workDir}\n`);
    else await rm(workDir, { recursive: true, force: true });
  }
  const text = summary(timings, packed, cli);
  process.stdout.write(text);
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, 'summary.md'), text);
  if (failure) {
    process.stderr.write(
      `\n[install-test] FAILED: ${
        failure instanceof Error ? failure.message : failure
      }\n`,
    );
    process.exitCode = 1;
  }
}

main();
