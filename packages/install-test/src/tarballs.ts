/** What `npm pack --dry-run --json` says about one package, and the rules a published tarball must meet. */
export interface PackListing {
  name: string;
  version: string;
  filename: string;
  /** Bytes of the .tgz. */
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

export const MAX_TARBALL_BYTES = 1024 * 1024;

/** Sources, tests and fixtures stay in the repository. */
const FORBIDDEN = [
  { test: (p: string) => p.startsWith('src/'), why: 'sources (src/)' },
  {
    test: (p: string) =>
      /(^|\/)(__fixtures__|fixtures|__testUtils__)\//.test(p),
    why: 'test fixtures',
  },
  {
    test: (p: string) => /\.test\.[cm]?[jt]sx?(\.map)?$/.test(p),
    why: 'tests',
  },
];

export function tarballProblems(listing: PackListing): string[] {
  const problems: string[] = [];
  if (listing.size > MAX_TARBALL_BYTES) {
    problems.push(
      `${listing.name}: tarball is ${listing.size} bytes, more than ${MAX_TARBALL_BYTES}`,
    );
  }
  for (const file of listing.files) {
    const rule = FORBIDDEN.find(r => r.test(file.path));
    if (rule) problems.push(`${listing.name}: ships ${rule.why}: ${file.path}`);
  }
  if (!listing.files.some(f => f.path === 'package.json'))
    problems.push(`${listing.name}: no package.json`);
  return problems;
}

/** The packed package.json must point at built output, never at TypeScript sources. */
export function manifestProblems(manifest: Record<string, any>): string[] {
  const problems: string[] = [];
  const name = manifest.name;
  if (manifest.private) problems.push(`${name}: is private`);
  const entries = [
    manifest.main,
    manifest.types,
    manifest.module,
    ...Object.values(manifest.exports ?? {}),
  ]
    .flatMap(e => (e && typeof e === 'object' ? Object.values(e) : [e]))
    .filter(
      (e): e is string => typeof e === 'string' && e !== './package.json',
    );
  for (const entry of entries) {
    if (/(^|\/)src\//.test(entry))
      problems.push(`${name}: entry point ${entry} is in src/`);
  }
  if (!manifest.main) problems.push(`${name}: no main`);
  return problems;
}
