export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

/**
 * A mistake in the command line or its input: printed as one `gort: …` line
 * on stderr, exit code 2. Anything else thrown by a command is a bug.
 */
export class UsageError extends Error {}
