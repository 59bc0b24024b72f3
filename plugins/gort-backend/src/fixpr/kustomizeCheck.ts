import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FixValidationCheck } from '@gort-backstage/plugin-gort-common';
import { redact } from '@gort-backstage/plugin-gort-node';
import { parseAllDocuments } from 'yaml';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** `kubectl kustomize` or `kustomize build`, from PATH, or undefined. */
export async function findKustomizeCommand(envPath = process.env.PATH ?? ''): Promise<string[] | undefined> {
  for (const [binary, args] of [
    ['kustomize', ['build']],
    ['kubectl', ['kustomize']],
  ] as const) {
    for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
      const candidate = path.join(dir, binary);
      try {
        await access(candidate, constants.X_OK);
        return [candidate, ...args];
      } catch {
        // not in this directory
      }
    }
  }
  return undefined;
}

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|[a-z][a-z0-9+.-]*::|[^/]*\.(?:com|org|io|net)\/)|\?ref=|\/\/\//i;
/** Where nothing listens: every HTTP(S) request kustomize tries fails at once. */
const DEAD_PROXY = 'http://127.0.0.1:9';

function kustomizationOf(files: Record<string, string>, dir: string): Record<string, unknown> | undefined {
  const prefix = dir ? `${dir}/` : '';
  const name = KUSTOMIZATION_FILES.find(n => files[`${prefix}${n}`] !== undefined);
  if (!name) return undefined;
  try {
    const value = parseAllDocuments(files[`${prefix}${name}`])
      .map(d => ('errors' in d && d.errors.length ? undefined : d.toJS()))
      .find(Boolean);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function entriesOf(kustomization: Record<string, unknown>, field: string): string[] {
  const value = kustomization[field];
  return Array.isArray(value) ? value.map(v => String(v)) : [];
}

/**
 * References in the kustomizations of the tree that would make kustomize
 * reach outside it: remote or absolute `resources`, `bases` and
 * `components`, and any `helmCharts` (which pull charts). Checked before
 * kustomize runs.
 */
export function nonLocalKustomizeReferences(files: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const file of Object.keys(files)) {
    const base = path.posix.basename(file);
    if (!KUSTOMIZATION_FILES.includes(base)) continue;
    const dir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
    const k = kustomizationOf(files, dir);
    if (!k) continue;
    for (const field of ['resources', 'bases', 'components']) {
      for (const entry of entriesOf(k, field)) {
        if (REMOTE.test(entry) || entry.startsWith('/')) problems.push(`${file}: ${field} entry ${entry} is not local`);
      }
    }
    if (k.helmCharts !== undefined || k.helmChartInflationGenerator !== undefined) problems.push(`${file}: helmCharts are not built (they pull charts from a repository)`);
  }
  return problems;
}

/**
 * The directories a build of `root` reads: `root` and, transitively, the
 * local `resources`/`bases`/`components` directories its kustomizations
 * name (a base in `../base` included). `dirs` lists the repository's
 * directories that exist.
 */
export function kustomizeTreeDirs(root: string, readFiles: (dir: string) => Record<string, string>, dirs: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  const queue = [root];
  while (queue.length && seen.size < 200) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const k = kustomizationOf(readFiles(dir), dir);
    if (!k) continue;
    for (const entry of ['resources', 'bases', 'components'].flatMap(f => entriesOf(k, f))) {
      if (REMOTE.test(entry) || entry.startsWith('/')) continue;
      const target = path.posix.normalize(path.posix.join(dir || '.', entry)).replace(/^\.$/, '');
      if (target.startsWith('..')) continue;
      if (dirs.has(target)) queue.push(target);
    }
  }
  return [...seen];
}

export type KustomizeTree =
  | { ok: true; dirs: string[]; files: Record<string, string> }
  | { ok: false; reason: string };

/**
 * Everything a build of `root` reads: the files under `root` and under every
 * local base or component its kustomizations name, transitively
 * (`kustomizeTreeDirs`), with the content `read` gives (the edited content
 * where an edit changed a file). Refuses trees of more than `maxFiles` files.
 */
export async function kustomizeTreeFiles(
  root: string,
  treeFiles: string[],
  read: (path: string) => Promise<string | undefined>,
  maxFiles: number,
): Promise<KustomizeTree> {
  const known = new Set(treeFiles);
  const dirs = new Set<string>(['']);
  for (const file of treeFiles) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const cache = new Map<string, string | undefined>();
  // kustomizeTreeDirs is synchronous: walk, read what it asked for and did not have, walk again.
  let treeDirs: string[] = [];
  for (let round = 0; round < 50; round++) {
    const missing: string[] = [];
    treeDirs = kustomizeTreeDirs(
      root,
      dir => {
        const out: Record<string, string> = {};
        for (const name of KUSTOMIZATION_FILES) {
          const file = dir ? `${dir}/${name}` : name;
          if (!known.has(file)) continue;
          if (!cache.has(file)) missing.push(file);
          else if (cache.get(file) !== undefined) out[file] = cache.get(file)!;
        }
        return out;
      },
      dirs,
    );
    if (missing.length === 0) break;
    for (const file of missing) cache.set(file, await read(file));
  }
  const under = (file: string, dir: string) => dir === '' || file.startsWith(`${dir}/`);
  const paths = treeFiles.filter(file => treeDirs.some(dir => under(file, dir)));
  if (paths.length > maxFiles) {
    return { ok: false, reason: `${paths.length} files in ${treeDirs.map(d => d || '.').join(', ')} (more than ${maxFiles})` };
  }
  const files: Record<string, string> = {};
  for (const file of paths) files[file] = cache.get(file) ?? (await read(file)) ?? '';
  return { ok: true, dirs: treeDirs, files };
}

/** The environment kustomize runs in: nothing of the host's identity, git or network configuration. */
export function hardenedKustomizeEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ALLOW_PROTOCOL: 'file',
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: 'false',
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    http_proxy: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    ALL_PROXY: DEAD_PROXY,
    NO_PROXY: '',
    no_proxy: '',
    KUBECONFIG: path.join(home, 'no-kubeconfig'),
  };
}

/** Runs kustomize on a directory with the load restrictor and the hardened environment. */
export function runHardenedKustomize(command: string[], dir: string, home: string, timeoutMs = 30_000): Promise<{ ok: boolean; output: string }> {
  const [binary, ...args] = command;
  return new Promise(resolve => {
    execFile(
      binary,
      [...args, '--load-restrictor', 'LoadRestrictionsRootOnly', dir],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: hardenedKustomizeEnv(home), cwd: dir },
      (error, stdout, stderr) => resolve({ ok: !error, output: error ? String(stderr || error.message) : stdout }),
    );
  });
}

/**
 * Builds `dir` with kustomize over `files` (repository-relative path →
 * content) written to a temporary directory, after refusing non-local
 * references, with `--load-restrictor LoadRestrictionsRootOnly` and the
 * hardened environment. `skipped` (never passed) when no binary is available
 * or `dir` has no kustomization file (Flux then generates one). The output
 * is redacted.
 */
export async function kustomizeBuildCheck(
  files: Record<string, string>,
  dir: string,
  options: { command?: string[] | null; timeoutMs?: number } = {},
): Promise<FixValidationCheck> {
  const command = options.command === undefined ? await findKustomizeCommand() : options.command ?? undefined;
  if (!command) return { check: 'kustomize-build', ok: true, status: 'skipped', detail: 'skipped: no kustomize or kubectl binary on PATH' };
  const prefix = dir ? `${dir}/` : '';
  if (!KUSTOMIZATION_FILES.some(name => files[`${prefix}${name}`] !== undefined)) {
    return { check: 'kustomize-build', ok: true, status: 'skipped', detail: `skipped: ${dir || '.'} has no kustomization.yaml (Flux generates one)` };
  }
  const remote = nonLocalKustomizeReferences(files);
  if (remote.length) return { check: 'kustomize-build', ok: false, status: 'failed', detail: `not built: ${redact(remote.slice(0, 5).join('; '))}` };
  const root = await mkdtemp(path.join(tmpdir(), 'gort-kustomize-'));
  const home = await mkdtemp(path.join(tmpdir(), 'gort-kustomize-home-'));
  try {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(root, file);
      if (!target.startsWith(root + path.sep)) continue;
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const label = path.basename(command[0]) === 'kubectl' ? 'kubectl kustomize' : 'kustomize build';
    const result = await runHardenedKustomize(command, path.join(root, dir), home, options.timeoutMs);
    const where = dir || '.';
    return result.ok
      ? { check: 'kustomize-build', ok: true, status: 'passed', detail: `${label} ${where} succeeded (${result.output.split(/^---$/m).length} object(s))` }
      : { check: 'kustomize-build', ok: false, status: 'failed', detail: `${label} ${where} failed: ${redact(result.output.split(root + path.sep).join('').trim()).slice(0, 800)}` };
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
}
