import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootAppTo, setAppConfig } from './testing/bootApp';

const DISCOVERED = '__@backstage/discovered__';

/**
 * What `app.packages: all` installs: the CLI's bundler looks at the app's
 * dependencies with a frontend plugin (or module) role, imports their main
 * entry and `./alpha`, and hands them to the page in this window global;
 * createApp then installs the default exports that are features
 * (backstage/backstage, @backstage/cli-module-build 0.1.8:
 * src/lib/bundler/packageDetection.ts; @backstage/frontend-defaults:
 * src/discovery.ts).
 */
function discoveredModules() {
  // eslint-disable-next-line no-restricted-syntax
  const pkg = JSON.parse(
    readFileSync(join(__dirname, '..', 'package.json'), 'utf8'),
  );
  return Object.keys(pkg.dependencies).flatMap(name => {
    const dep = require(`${name}/package.json`);
    if (
      !['frontend-plugin', 'frontend-plugin-module'].includes(
        dep.backstage?.role,
      )
    )
      return [];
    const entries = [{ name, default: require(name).default }];
    if (
      dep.exports &&
      typeof dep.exports === 'object' &&
      './alpha' in dep.exports
    ) {
      entries.push({ name, default: require(`${name}/alpha`).default });
    }
    return entries;
  });
}

describe('App with package discovery', () => {
  afterEach(() => {
    delete (window as any)[DISCOVERED];
  });

  // The time limit allows for loading every frontend plugin the app depends
  // on, several seconds of module loading on a loaded machine.
  it('starts with every plugin that `app.packages: all` discovers (as app-config.yaml sets)', async () => {
    const modules = discoveredModules();
    expect(modules.map(m => m.name)).toEqual(
      expect.arrayContaining([
        '@backstage/plugin-signals',
        '@backstage/plugin-org',
        '@gort-backstage/plugin-gort',
      ]),
    );
    (window as any)[DISCOVERED] = { modules };
    // Without the sign-in page the app goes straight to its APIs and pages,
    // which is where conflicting API factories fail the start.
    setAppConfig({
      packages: 'all',
      extensions: [{ 'sign-in-page:app': false }],
    });
    await bootAppTo(/GitOps/);
  }, 60_000);
});
