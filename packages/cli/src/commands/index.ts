import type { Command } from 'commander';
import type { CliIo } from '../io';
import { registerDiagnoseCommand } from './diagnose';
import { registerFollowCommand } from './follow';

/** What a command gets: the injected I/O and a way to set the exit code. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: number): void;
}

export type RegisterCommand = (
  program: Command,
  context: CommandContext,
) => void;

/** Every `gort` subcommand; a new command is one more module in this folder. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerDiagnoseCommand,
  registerFollowCommand,
];
