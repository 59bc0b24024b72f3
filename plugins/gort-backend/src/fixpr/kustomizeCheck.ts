import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FixValidationCheck } from '@gort-backstage/plugin-gort-common';

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

/**
 * Builds `dir` with kustomize over `files` (repository-relative path →
 * content) written to a temporary directory. Skipped (ok) when no binary is
 * available or `dir` has no kustomization file (Flux then generates one).
 */
export async function kustomizeBuildCheck(
  files: Record<string, string>,
  dir: string,
  options: { command?: string[] | null; timeoutMs?: number } = {},
): Promise<FixValidationCheck> {
  const command = options.command === undefined ? await findKustomizeCommand() : options.command ?? undefined;
  if (!command) return { check: 'kustomize-build', ok: true, detail: 'skipped: no kustomize or kubectl binary on PATH' };
  const prefix = dir ? `${dir}/` : '';
  if (!KUSTOMIZATION_FILES.some(name => files[`${prefix}${name}`] !== undefined)) {
    return { check: 'kustomize-build', ok: true, detail: `skipped: ${dir || '.'} has no kustomization.yaml (Flux generates one)` };
  }
  const root = await mkdtemp(path.join(tmpdir(), 'gort-kustomize-'));
  try {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(root, file);
      if (!target.startsWith(root + path.sep)) continue;
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const [binary, ...args] = command;
    const label = path.basename(binary) === 'kubectl' ? 'kubectl kustomize' : 'kustomize build';
    const result = await new Promise<{ ok: boolean; output: string }>(resolve => {
      execFile(binary, [...args, path.join(root, dir)], { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ ok: !error, output: error ? String(stderr || error.message) : stdout });
      });
    });
    const where = dir || '.';
    return result.ok
      ? { check: 'kustomize-build', ok: true, detail: `${label} ${where} succeeded (${result.output.split(/^---$/m).length} object(s))` }
      : { check: 'kustomize-build', ok: false, detail: `${label} ${where} failed: ${result.output.split(root + path.sep).join('').trim().slice(0, 800)}` };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
