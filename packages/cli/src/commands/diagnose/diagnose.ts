import {
  diagnose,
  explainObjects,
  isDiagnosable,
  isFailing,
  KubeObject,
  ManifestParseError,
  objectRef,
  parseManifests,
  redactObject,
  TargetNotFoundError,
} from '@gort-backstage/plugin-gort-node';
import { EXIT_OK, UsageError } from '../../errors';
import type { CliIo } from '../../io';
import {
  COLOR,
  formatExplanation,
  formatHealthy,
  formatReport,
  PLAIN,
} from './report';

/** Larger input is refused rather than parsed: the CLI must stay responsive on any file. */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

export interface DiagnoseOptions {
  /** Files to read; empty or `-` means stdin. */
  files: readonly string[];
  json: boolean;
  /** How each condition message was classified, instead of the diagnosis. */
  explain: boolean;
  /** `Kind/namespace/name` to diagnose instead of choosing the root cause. */
  target?: string;
}

async function readStream(stream: CliIo['stdin']): Promise<string> {
  if (typeof stream === 'string') return stream;
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) {
    text +=
      typeof chunk === 'string'
        ? chunk
        : decoder.decode(chunk, { stream: true });
    if (text.length > MAX_INPUT_BYTES)
      throw new UsageError('stdin: input larger than 32 MiB');
  }
  return text + decoder.decode();
}

async function readInputs(
  files: readonly string[],
  io: CliIo,
): Promise<KubeObject[]> {
  const names = files.length === 0 ? ['-'] : files;
  const objects: KubeObject[] = [];
  for (const name of names) {
    let text: string;
    try {
      text =
        name === '-' ? await readStream(io.stdin) : await io.readFile(name);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(
        `cannot read ${name}: ${
          (error as NodeJS.ErrnoException).code ?? (error as Error).message
        }`,
      );
    }
    if (text.length > MAX_INPUT_BYTES)
      throw new UsageError(`${name}: input larger than 32 MiB`);
    try {
      objects.push(...parseManifests(text));
    } catch (error) {
      if (error instanceof ManifestParseError)
        throw new UsageError(
          `${name === '-' ? 'stdin' : name}: ${error.message}`,
        );
      throw error;
    }
  }
  return objects;
}

function useColor(io: CliIo): boolean {
  return Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
}

/** `gort diagnose`: prints the root-cause diagnosis of the input; returns the exit code. */
export async function runDiagnose(
  args: DiagnoseOptions,
  io: CliIo,
): Promise<number> {
  try {
    const objects = await readInputs(args.files, io);
    if (objects.length === 0)
      throw new UsageError('no Kubernetes objects in input');
    const flux = objects.filter(isDiagnosable);
    if (flux.length === 0) {
      throw new UsageError(
        'no Flux objects (Kustomization, HelmRelease, GitRepository, …) in input',
      );
    }
    const style = useColor(io) ? COLOR : PLAIN;
    if (args.explain) {
      const explained = redactObject(explainObjects(objects, args.target));
      io.stdout.write(
        args.json
          ? `${JSON.stringify(explained, null, 2)}\n`
          : formatExplanation(explained, style),
      );
      return EXIT_OK;
    }
    const diagnosis = diagnose(objects, args.target);
    if (!diagnosis) {
      const checked = (
        args.target ? flux.filter(o => objectRef(o) === args.target) : flux
      ).map(objectRef);
      io.stdout.write(
        args.json
          ? `${JSON.stringify({
              healthy: true,
              checked,
              failing: flux.filter(isFailing).map(objectRef),
            })}\n`
          : formatHealthy(checked, style),
      );
      return EXIT_OK;
    }
    const safe = redactObject(diagnosis);
    io.stdout.write(
      args.json
        ? `${JSON.stringify(safe, null, 2)}\n`
        : formatReport(safe, style),
    );
    return EXIT_OK;
  } catch (error) {
    if (error instanceof TargetNotFoundError)
      throw new UsageError(error.message);
    throw error;
  }
}
