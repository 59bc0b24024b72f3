import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import { CliIo, processIo } from './io';

/** The `gort` program with every command registered; output goes to `io`. */
export function createProgram(
  io: CliIo,
  setExitCode: (code: number) => void,
): Command {
  const program = new Command('gort')
    .description(
      'GORT for Backstage on the command line: diagnose Flux failures offline, follow a push through Flux.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: text => io.stdout.write(text),
      writeErr: text => io.stderr.write(text),
      // commander prefixes its messages with "error: "; keep one "gort: " line.
      outputError: (text, write) =>
        write(`gort: ${text.replace(/^error: /, '')}`),
    });
  for (const register of COMMANDS) register(program, { io, setExitCode });
  return program;
}

/** The whole CLI, with its environment injected: returns the exit code. */
export async function main(
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  if (argv.length === 0) {
    io.stderr.write('gort: missing command (try: gort --help)\n');
    return EXIT_USAGE;
  }
  let exitCode = EXIT_OK;
  const program = createProgram(io, code => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end as "errors" with exit code 0 under exitOverride.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`gort: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** Entry point of bin/gort. */
export async function run(
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  try {
    process.exitCode = await main(argv, processIo());
  } catch (error) {
    process.stderr.write(`gort: internal error: ${(error as Error).message}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}
