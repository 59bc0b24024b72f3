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
type Deps = Record<string, string> | undefined;

/**
 * `@backstage/*` ranges (`^1.2.3`) become the exact versions create-app
 * wrote: the versions of its release. create-app pins the rest of the tree
 * with a yarn.lock seed fetched from the network, which is not reachable
 * here; without it npm takes the newest versions in range, and plugins newer
 * than the release call backend services the release's backend-defaults
 * lacks (seen: `httpRouter.addWebSocketHandler is not a function` from a
 * newer signals backend).
 */
function pinBackstage(deps: Deps): Deps {
  return (
    deps &&
    Object.fromEntries(
      Object.entries(deps).map(([name, spec]) => [
        name,
        name.startsWith('@backstage/') ? spec.replace(/^[\^~]/, '') : spec,
      ]),
    )
  );
}

/** The exact `@backstage/*` versions a (pinned) manifest names. */
export function backstagePins(manifest: Json): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })
      .filter(([name]) => name.startsWith('@backstage/'))
      .map(([name, spec]) => [name, String(spec)]),
  );
}

/**
 * The root package.json for npm: no yarn `packageManager`; pinned
 * `@yarnpkg/core` (4.9.2 is published with a `patch:` dependency npm cannot
 * read) and one React 18; the release's `@backstage/*` versions as
 * `overrides`, so that one copy of each is installed, at the root (nested
 * copies break `resolvePackagePath`); install scripts allowed for the native
 * addons.
 */
export function rootManifestForNpm(
  manifest: Json,
  allowScripts: Record<string, boolean>,
  releasePins: Record<string, string>,
): Json {
  const { packageManager: _yarn, ...rest } = manifest;
  const devDependencies = pinBackstage(rest.devDependencies);
  return {
    ...rest,
    devDependencies,
    overrides: {
      ...rest.overrides,
      ...releasePins,
      ...backstagePins({ devDependencies }),
      '@yarnpkg/core': '4.9.1',
      react: '18.3.1',
      'react-dom': '18.3.1',
    },
    allowScripts: { ...rest.allowScripts, ...allowScripts },
  };
}

/** yarn's `link:../app` becomes the workspace version npm resolves; `@backstage/*` ranges the release's versions. */
export function workspaceManifestForNpm(
  manifest: Json,
  workspaceVersions: Record<string, string>,
): Json {
  const fix = (deps: Deps) =>
    pinBackstage(
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
        ),
    );
  return {
    ...manifest,
    dependencies: fix(manifest.dependencies),
    devDependencies: fix(manifest.devDependencies),
  };
}
