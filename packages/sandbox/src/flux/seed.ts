/** Reads the demo GitOps repository content shipped in `seed/podinfo-gitops`. */
import { promises as fs } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { RepoFiles } from './scenarios';

/** The sandbox runs from source (package `main` is src/index.ts), so the seed sits next to src/. */
export function seedDirectory(): string {
  // eslint-disable-next-line no-restricted-syntax
  return resolve(__dirname, '..', '..', 'seed', 'podinfo-gitops');
}

export async function readRepoFiles(
  dir: string = seedDirectory(),
): Promise<RepoFiles> {
  const files: RepoFiles = {};
  const walk = async (current: string) => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        files[relative(dir, full).split('\\').join('/')] = await fs.readFile(
          full,
          'utf8',
        );
    }
  };
  await walk(dir);
  return files;
}
