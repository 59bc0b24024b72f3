import {
  diagnose,
  explainObjects,
  isDiagnosable,
  TargetNotFoundError,
} from '../diagnosis/diagnose';
import { isFailing } from '../diagnosis/status';
import { parseManifests, ManifestParseError } from '../kube/manifests';
import { KubeObject, objectRef } from '../kube/objects';
import { redactObject } from '../redaction/redact';
import { parseArgs, USAGE } from './args';
import {
  COLOR,
  formatExplanation,
  formatHealthy,
  formatReport,
  PLAIN,
} from './report';

export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdin: string | AsyncIterable<string | Uint8Array>;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  readFile(path: string): Promise<string>;
}

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
/** Larger input is refused rather than parsed: the CLI must stay responsive on any file. */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

class InputError extends Error {}

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
      throw new InputError('stdin: input larger than 32 MiB');
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
      if (error instanceof InputError) throw error;
      throw new InputError(
        `cannot read ${name}: ${
          (error as NodeJS.ErrnoException).code ?? (error as Error).message
        }`,
      );
    }
    if (text.length > MAX_INPUT_BYTES)
      throw new InputError(`${name}: input larger than 32 MiB`);
    try {
      objects.push(...parseManifests(text));
    } catch (error) {
      if (error instanceof ManifestParseError)
        throw new InputError(
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

/** The whole CLI, with its environment injected: returns the exit code. */
export async function main(
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const args = parseArgs(argv);
  if (args.command === 'help') {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (args.command === 'error') {
    io.stderr.write(`gort: ${args.message}\n`);
    return EXIT_USAGE;
  }
  try {
    const objects = await readInputs(args.files, io);
    if (objects.length === 0)
      throw new InputError('no Kubernetes objects in input');
    const flux = objects.filter(isDiagnosable);
    if (flux.length === 0) {
      throw new InputError(
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
    if (error instanceof InputError || error instanceof TargetNotFoundError) {
      io.stderr.write(`gort: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
