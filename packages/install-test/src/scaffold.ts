/**
 * Edits of a fresh `@backstage/create-app` scaffold: what docs/install.md
 * tells a person to change, and what it takes to install the scaffold with
 * npm here (create-app writes a yarn 4 project).
 */

/** Inserts the doc's `backend.add(…)` lines before `backend.start();`. */
export function addBackendFeatures(indexTs: string, snippet: string): string {
  const anchor = /^backend\.start\(\);$/m;
  if (!anchor.test(indexTs))
    throw new Error(
      'packages/backend/src/index.ts has no `backend.start();` line',
    );
  return indexTs.replace(anchor, `${snippet.trim()}\n\nbackend.start();`);
}

/** Appends the doc's configuration; it must add top-level keys the file does not have yet. */
export function appendConfig(
  appConfig: string,
  snippet: string,
  parse: (text: string) => unknown,
): string {
  const existing = Object.keys((parse(appConfig) ?? {}) as object);
  const added = Object.keys((parse(snippet) ?? {}) as object);
  const clash = added.filter(key => existing.includes(key));
  if (clash.length)
    throw new Error(`app-config.yaml already has ${clash.join(', ')}`);
  return `${appConfig.trimEnd()}\n\n${snippet.trim()}\n`;
}

type Json = Record<string, any>;

/**
 * The root package.json for npm: no yarn `packageManager`; pinned
 * `@yarnpkg/core` (4.9.2 is published with a `patch:` dependency npm cannot
 * read) and one React 18; install scripts allowed for the native addons.
 */
export function rootManifestForNpm(
  manifest: Json,
  allowScripts: Record<string, boolean>,
): Json {
  const { packageManager: _yarn, ...rest } = manifest;
  return {
    ...rest,
    overrides: {
      ...rest.overrides,
      '@yarnpkg/core': '4.9.1',
      react: '18.3.1',
      'react-dom': '18.3.1',
    },
    allowScripts: { ...rest.allowScripts, ...allowScripts },
  };
}

/** yarn's `link:../app` becomes the workspace version npm resolves. */
export function workspaceManifestForNpm(
  manifest: Json,
  workspaceVersions: Record<string, string>,
): Json {
  const fix = (deps?: Record<string, string>) =>
    deps &&
    Object.fromEntries(
      Object.entries(deps).map(([name, spec]) => {
        if (!spec.startsWith('link:') && !spec.startsWith('workspace:'))
          return [name, spec];
        const version = workspaceVersions[name];
        if (!version)
          throw new Error(
            `${manifest.name}: ${name}@${spec} is not a workspace`,
          );
        return [name, version];
      }),
    );
  return {
    ...manifest,
    dependencies: fix(manifest.dependencies),
    devDependencies: fix(manifest.devDependencies),
  };
}
