import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from './exec';
import { docStep, DocStep, parseNpmInstalls } from './installDoc';
import {
  addBackendFeatures,
  backstagePins,
  appendConfig,
  rootManifestForNpm,
  workspaceManifestForNpm,
} from './scaffold';

/** The release line of this repository (backstage.json 1.55.0). */
export const CREATE_APP_VERSION = '0.9.2';

async function readJson(file: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(file, 'utf8'));
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * `@backstage/create-app --skip-install --path DIR` with the app name on
 * stdin. create-app refuses to start without a `yarn` binary on PATH, even
 * with --skip-install: a yarn 1 from the registry satisfies the check.
 */
export async function createApp(
  workDir: string,
  appDir: string,
  releaseVersion: string,
): Promise<void> {
  const yarnDir = join(workDir, 'yarn1');
  await run(
    'npm',
    [
      'install',
      '--prefix',
      yarnDir,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      'yarn@1',
    ],
    {
      cwd: workDir,
    },
  );
  const env = {
    ...process.env,
    PATH: `${join(yarnDir, 'node_modules', '.bin')}:${process.env.PATH}`,
  };
  await run(
    'npx',
    [
      '--yes',
      `@backstage/create-app@${CREATE_APP_VERSION}`,
      '--skip-install',
      '--path',
      appDir,
    ],
    {
      cwd: workDir,
      env,
      input: 'gort-install-test\n',
    },
  );
  const created = (await readJson(join(appDir, 'backstage.json')))
    .version as string;
  const line = (v: string) => v.split('.').slice(0, 2).join('.');
  if (line(created) !== line(releaseVersion)) {
    throw new Error(
      `create-app ${CREATE_APP_VERSION} made a Backstage ${created} app; this repository is on ${releaseVersion}`,
    );
  }
}

/** Turns the yarn 4 scaffold into an npm workspace and installs it. */
export async function installWithNpm(
  appDir: string,
  allowScripts: Record<string, boolean>,
): Promise<void> {
  for (const yarnFile of ['yarn.lock', '.yarnrc.yml', '.yarn']) {
    await rm(join(appDir, yarnFile), { recursive: true, force: true });
  }
  // Material UI v4 declares React 16/17 peers; Backstage runs it on React 18.
  await writeFile(join(appDir, '.npmrc'), 'legacy-peer-deps=true\n');

  const workspaces: Array<{ file: string; manifest: Record<string, any> }> = [];
  for (const group of ['packages', 'plugins']) {
    const names = await readdir(join(appDir, group)).catch(
      () => [] as string[],
    );
    for (const name of names) {
      const file = join(appDir, group, name, 'package.json');
      const manifest = await readJson(file).catch(() => undefined);
      if (manifest) workspaces.push({ file, manifest });
    }
  }
  const versions = Object.fromEntries(
    workspaces.map(w => [w.manifest.name, w.manifest.version]),
  );
  let releasePins: Record<string, string> = {};
  for (const { file, manifest } of workspaces) {
    const pinned = workspaceManifestForNpm(manifest, versions);
    releasePins = { ...releasePins, ...backstagePins(pinned) };
    await writeJson(file, pinned);
  }
  const rootFile = join(appDir, 'package.json');
  await writeJson(
    rootFile,
    rootManifestForNpm(await readJson(rootFile), allowScripts, releasePins),
  );

  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: appDir,
    timeoutMs: 15 * 60_000,
  });
}

/**
 * Step 1 of docs/install.md: its `npm install` lines, with each package name
 * replaced by its tarball. The unpublished -common and -node packages, which
 * the registry would otherwise be asked for, are pinned to their tarballs
 * with `overrides`.
 */
export async function installGort(
  appDir: string,
  steps: Map<string, DocStep>,
  tarballs: Record<string, string>,
  internal: string[],
): Promise<void> {
  const rootFile = join(appDir, 'package.json');
  const root = await readJson(rootFile);
  root.overrides = {
    ...root.overrides,
    ...Object.fromEntries(
      internal.map(name => [name, `file:${tarballs[name]}`]),
    ),
  };
  await writeJson(rootFile, root);
  for (const command of parseNpmInstalls(docStep(steps, 'npm-install', 'sh'))) {
    const specs = command.packages.map(name => {
      if (!tarballs[name])
        throw new Error(
          `install doc installs ${name}, which is not one of the packed packages`,
        );
      return tarballs[name];
    });
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...specs,
        '--workspace',
        command.workspace,
      ],
      { cwd: appDir },
    );
  }
}

/** Steps 2 and 3 of docs/install.md: the backend feature and the `gort` configuration. */
export async function wireGort(
  appDir: string,
  steps: Map<string, DocStep>,
): Promise<void> {
  const indexFile = join(appDir, 'packages', 'backend', 'src', 'index.ts');
  await writeFile(
    indexFile,
    addBackendFeatures(
      await readFile(indexFile, 'utf8'),
      docStep(steps, 'backend-index', 'ts'),
    ),
  );
  const configFile = join(appDir, 'app-config.yaml');
  await writeFile(
    configFile,
    appendConfig(
      await readFile(configFile, 'utf8'),
      docStep(steps, 'app-config', 'yaml'),
      parse,
    ),
  );
}
