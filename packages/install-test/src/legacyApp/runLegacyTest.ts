import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec';
import type { RecordedApi } from '../checks';

/**
 * Runs gortLegacyExports.app-test.tsx inside the fresh app's packages/app,
 * with @backstage/test-utils at the version this repository's frontend
 * plugin tests with.
 */
export async function runLegacyTest(
  appDir: string,
  repoRoot: string,
  recorded: RecordedApi,
): Promise<void> {
  const pluginManifest = JSON.parse(
    await readFile(join(repoRoot, 'plugins', 'gort', 'package.json'), 'utf8'),
  );
  const testUtils = pluginManifest.devDependencies['@backstage/test-utils'];
  await run(
    'npm',
    [
      'install',
      '--save-dev',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      `@backstage/test-utils@${testUtils}`,
      '--workspace',
      'app',
    ],
    { cwd: appDir },
  );
  const srcDir = join(appDir, 'packages', 'app', 'src');
  await copyFile(
    // eslint-disable-next-line no-restricted-syntax
    join(__dirname, 'gortLegacyExports.app-test.tsx'),
    join(srcDir, 'gortLegacyExports.test.tsx'),
  );
  await writeFile(
    join(srcDir, 'gort-recorded.json'),
    JSON.stringify(recorded, null, 2),
  );
  await run(
    'npx',
    [
      'backstage-cli',
      'package',
      'test',
      '--ci',
      'src/gortLegacyExports.test.tsx',
    ],
    {
      cwd: join(appDir, 'packages', 'app'),
      env: { ...process.env, CI: 'true' },
      timeoutMs: 5 * 60_000,
    },
  );
}
