import { parse } from 'yaml';
import {
  addBackendFeatures,
  appendConfig,
  rootManifestForNpm,
  workspaceManifestForNpm,
} from './scaffold';

describe('addBackendFeatures', () => {
  it('puts the lines before backend.start()', () => {
    const index =
      "const backend = createBackend();\nbackend.add(import('a'));\n\nbackend.start();\n";
    expect(addBackendFeatures(index, "backend.add(import('gort'));\n")).toBe(
      "const backend = createBackend();\nbackend.add(import('a'));\n\nbackend.add(import('gort'));\n\nbackend.start();\n",
    );
  });

  it('fails on a backend without backend.start()', () => {
    expect(() => addBackendFeatures('createBackend();\n', 'x')).toThrow(
      /backend\.start/,
    );
  });
});

describe('appendConfig', () => {
  it('appends new top-level keys', () => {
    const result = appendConfig('app:\n  title: x\n', 'gort:\n  a: 1\n', parse);
    expect(parse(result)).toEqual({ app: { title: 'x' }, gort: { a: 1 } });
  });

  it('refuses to repeat a key the file already has', () => {
    expect(() =>
      appendConfig('gort:\n  b: 2\n', 'gort:\n  a: 1\n', parse),
    ).toThrow(/already has gort/);
  });
});

describe('manifests for npm', () => {
  it('drops packageManager, pins @yarnpkg/core, React and the release, allows the install scripts', () => {
    const result = rootManifestForNpm(
      {
        name: 'root',
        packageManager: 'yarn@4.13.0',
        devDependencies: { '@backstage/cli': '^0.36.6', prettier: '^2.3.2' },
        overrides: { x: '1' },
      },
      { 'better-sqlite3': true },
      { '@backstage/plugin-catalog': '2.0.9' },
    );
    expect(result).toEqual({
      name: 'root',
      devDependencies: { '@backstage/cli': '0.36.6', prettier: '^2.3.2' },
      overrides: {
        x: '1',
        '@backstage/plugin-catalog': '2.0.9',
        '@backstage/cli': '0.36.6',
        '@yarnpkg/core': '4.9.1',
        react: '18.3.1',
        'react-dom': '18.3.1',
      },
      allowScripts: { 'better-sqlite3': true },
    });
  });

  it('pins @backstage/* dependencies to the versions of the release', () => {
    expect(
      workspaceManifestForNpm(
        {
          name: 'backend',
          dependencies: {
            '@backstage/backend-defaults': '^0.18.0',
            '@backstage/cli': '~0.36.6',
            express: '^4.17.1',
          },
        },
        {},
      ).dependencies,
    ).toEqual({
      '@backstage/backend-defaults': '0.18.0',
      '@backstage/cli': '0.36.6',
      express: '^4.17.1',
    });
  });

  it('turns link: and workspace: dependencies into workspace versions', () => {
    expect(
      workspaceManifestForNpm(
        {
          name: 'backend',
          dependencies: { app: 'link:../app', pg: '^8' },
          devDependencies: { lib: 'workspace:^' },
        },
        { app: '0.0.0', lib: '1.2.3' },
      ),
    ).toEqual({
      name: 'backend',
      dependencies: { app: '0.0.0', pg: '^8' },
      devDependencies: { lib: '1.2.3' },
    });
    expect(() =>
      workspaceManifestForNpm(
        { name: 'b', dependencies: { x: 'link:../x' } },
        {},
      ),
    ).toThrow(/not a workspace/);
  });
});
