import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './exec';
import { manifestProblems, PackListing, tarballProblems } from './tarballs';

/** The published packages, by folder in this repository. */
export const PUBLISHED = {
  '@gort-backstage/plugin-gort-common': 'plugins/gort-common',
  '@gort-backstage/plugin-gort-node': 'plugins/gort-node',
  '@gort-backstage/plugin-gort-backend': 'plugins/gort-backend',
  '@gort-backstage/plugin-gort': 'plugins/gort',
  '@gort-backstage/cli': 'packages/cli',
} as const;

export type PublishedName = keyof typeof PUBLISHED;

export interface PackedPackage {
  name: PublishedName;
  tarball: string;
  size: number;
  unpackedSize: number;
  files: number;
}

function parseListing(output: string): PackListing {
  // npm prints lifecycle script output before the JSON array.
  const json = output.slice(output.indexOf('\n[') + 1 || output.indexOf('['));
  return JSON.parse(json)[0];
}

/** Type declarations (dist-types) for every package, then each package's dist/. */
export async function buildPackages(root: string): Promise<void> {
  await run('tsc', [], { cwd: root });
  for (const dir of Object.values(PUBLISHED)) {
    await run('backstage-cli', ['package', 'build'], { cwd: join(root, dir) });
  }
}

/**
 * Packs every published package into `outDir`, after checking the listing
 * of `npm pack --dry-run` (size, no sources, no fixtures) and then the
 * package.json inside the real tarball (entry points in dist/, not private).
 */
export async function packPackages(
  root: string,
  outDir: string,
): Promise<PackedPackage[]> {
  await mkdir(outDir, { recursive: true });
  const packed: PackedPackage[] = [];
  const problems: string[] = [];
  for (const [name, dir] of Object.entries(PUBLISHED) as Array<
    [PublishedName, string]
  >) {
    const cwd = join(root, dir);
    const dryRun = parseListing(
      await run('npm', ['pack', '--dry-run', '--json'], {
        cwd,
      }),
    );
    problems.push(...tarballProblems(dryRun));
    let listing: PackListing;
    try {
      listing = parseListing(
        await run('npm', ['pack', '--json', '--pack-destination', outDir], {
          cwd,
        }),
      );
    } finally {
      // npm skips postpack when packing fails: put the package.json back
      if (existsSync(join(cwd, 'package.json-prepack'))) {
        await run('backstage-cli', ['package', 'postpack'], { cwd });
      }
    }
    const tarball = join(outDir, listing.filename);
    const manifest = JSON.parse(
      await run('tar', ['-xzOf', tarball, 'package/package.json'], {
        cwd: outDir,
      }),
    );
    problems.push(...manifestProblems(manifest));
    packed.push({
      name,
      tarball,
      size: listing.size,
      unpackedSize: listing.unpackedSize,
      files: listing.files.length,
    });
  }
  if (problems.length)
    throw new Error(
      `the packages are not fit to publish:\n  ${problems.join('\n  ')}`,
    );
  return packed;
}

export function tarballOf(
  packed: PackedPackage[],
  name: PublishedName,
): string {
  const found = packed.find(p => p.name === name);
  if (!found) throw new Error(`${name} was not packed`);
  return found.tarball;
}
