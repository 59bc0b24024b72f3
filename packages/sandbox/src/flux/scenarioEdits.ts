/** Text edits scenarios make to a repository file map (pure). */
import type { RepoFiles } from './scenarios';

export class ScenarioNotApplicable extends Error {}

export function edit(
  files: RepoFiles,
  path: string,
  change: (text: string) => string,
): RepoFiles {
  const before = files[path];
  if (before === undefined)
    throw new ScenarioNotApplicable(`${path} does not exist`);
  const after = change(before);
  if (after === before)
    throw new ScenarioNotApplicable(
      `${path} has nothing this scenario can change`,
    );
  return { ...files, [path]: after };
}

export function replace(pattern: RegExp, replacement: string) {
  return (text: string) => text.replace(pattern, replacement);
}
