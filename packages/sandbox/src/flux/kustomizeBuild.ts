/**
 * `kustomize build` of a checked-out path, as kustomize-controller runs it: a kustomization.yaml
 * is generated when the directory has none, then the real kustomize (`kubectl kustomize`) builds
 * it. Without kubectl, a minimal builder handles plain manifests and `resources:` lists.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';

const run = promisify(execFile);

const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

export class BuildError extends Error {}

async function listManifests(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listManifests(full)));
    else if (/\.ya?ml$/.test(entry.name)) found.push(full);
  }
  return found.sort();
}

/** Flux generates `resources:` from the Kubernetes manifests it finds when there is no kustomization file. */
export async function generateKustomization(dirPath: string): Promise<void> {
  if (KUSTOMIZATION_FILES.some(f => existsSync(join(dirPath, f)))) return;
  const resources: string[] = [];
  for (const file of await listManifests(dirPath)) {
    const text = await fs.readFile(file, 'utf8');
    if (/^\s*apiVersion:/m.test(text) && /^\s*kind:/m.test(text))
      resources.push(relative(dirPath, file));
  }
  await fs.writeFile(
    join(dirPath, 'kustomization.yaml'),
    stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources,
    }),
  );
}

export interface KustomizeOptions {
  kubectlPath?: string | null;
}

export async function kustomizeBuild(
  dirPath: string,
  options: KustomizeOptions = {},
): Promise<string> {
  await generateKustomization(dirPath);
  const kubectl =
    options.kubectlPath === undefined ? findKubectl() : options.kubectlPath;
  if (kubectl) {
    try {
      const { stdout } = await run(
        kubectl,
        ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dirPath],
        {
          maxBuffer: 32 * 1024 * 1024,
        },
      );
      return stdout;
    } catch (error: any) {
      throw new BuildError(
        kubectlErrorMessage(String(error?.stderr ?? error?.message ?? error)),
      );
    }
  }
  return minimalBuild(dirPath);
}

/** kubectl logs `E1123 ... run.go:72] "command failed" err="<Go-quoted>"` or `error: <text>`. */
export function kubectlErrorMessage(stderr: string): string {
  const quoted = /err="((?:[^"\\]|\\.)*)"/.exec(stderr);
  if (quoted) {
    try {
      return JSON.parse(`"${quoted[1]}"`);
    } catch {
      return quoted[1];
    }
  }
  return stderr.trim().replace(/^error:\s*/i, '');
}

/** kubectl on PATH, if any. */
export function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  return undefined;
}

async function readKustomization(dir: string): Promise<any | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const file = join(dir, name);
    if (existsSync(file)) {
      const docs = parseAllDocuments(await fs.readFile(file, 'utf8'));
      const error = docs.flatMap(d => d.errors)[0];
      if (error)
        throw new BuildError(
          `map[string]interface {}(nil): yaml: ${error.message.split('\n')[0]}`,
        );
      return docs[0]?.toJS() ?? {};
    }
  }
  return undefined;
}

/** Plain files and `resources:` (files or directories) with an optional `namespace:`. */
async function minimalBuild(dirPath: string): Promise<string> {
  const docs = await collect(dirPath);
  return docs.map(d => stringify(d)).join('---\n');
}

async function collect(dir: string): Promise<any[]> {
  const k = (await readKustomization(dir)) ?? {};
  const out: any[] = [];
  for (const resource of (k.resources ?? []) as string[]) {
    const path = join(dir, resource);
    if (!existsSync(path)) {
      const why = `evalsymlink failure on '${path}' : lstat ${path}: no such file or directory`;
      throw new BuildError(
        `accumulating resources: accumulation err='accumulating resources from '${resource}': ${why}': must build at directory: not a valid directory: ${why}`,
      );
    }
    if ((await fs.stat(path)).isDirectory()) {
      out.push(...(await collect(path)));
      continue;
    }
    const parsed = parseAllDocuments(await fs.readFile(path, 'utf8'));
    for (const doc of parsed) {
      if (doc.errors.length > 0) {
        const line = doc.errors[0].linePos?.[0]?.line ?? 0;
        throw new BuildError(
          `accumulating resources: accumulating resources from '${resource}': MalformedYAMLError: yaml: line ${line}: ${
            doc.errors[0].message.split('\n')[0]
          } in File: ${resource}`,
        );
      }
      const value = doc.toJS();
      if (value) out.push(value);
    }
  }
  if (k.namespace) {
    for (const o of out) {
      if (o.kind !== 'Namespace')
        o.metadata = { ...(o.metadata ?? {}), namespace: k.namespace };
    }
  }
  return out;
}
