import type { RegisterCommand } from '..';
import { processFollowEnvironment, runFollow } from './follow';

// No line may end with ":" (the CLI report of @backstage/repo-tools reads
// such lines as section headings).
const DESCRIPTION = `Follows a pushed commit until Flux reconciled it, for every catalog
entity that follows the push: source fetched, applying, health checks,
verdict, then the diagnosis and fix PR of a failure. COMMIT defaults to HEAD
of the repository in the current directory. Authenticates as you with a
Backstage user token (GORT_TOKEN, or --token-command).`;

const HELP_AFTER = `
Exit codes: 0 every run succeeded, 1 a run failed or the timeout passed,
            2 authentication, network or usage error, 3 no entity follows this push.
Example: GORT_TOKEN="$(backstage-cli auth print-token)" gort follow --backend-url https://backstage.example.com
`;

export const registerFollowCommand: RegisterCommand = (program, context) => {
  program
    .command('follow')
    .summary('follow a pushed commit through Flux, live')
    .description(DESCRIPTION)
    .argument(
      '[commit]',
      'commit to follow (SHA or any git revision)',
      undefined,
    )
    .option(
      '--backend-url <url>',
      'Backstage backend base URL (default GORT_BACKEND_URL, then git config gort.backendUrl)',
    )
    .option(
      '--token-command <command>',
      'shell command printing a Backstage user token when GORT_TOKEN is not set (default GORT_TOKEN_COMMAND, then git config gort.tokenCommand), e.g. "backstage-cli auth print-token"',
    )
    .option(
      '--wait-for-runs <duration>',
      'how long to wait for the first run to appear (a late webhook)',
      '60s',
    )
    .option(
      '--timeout <duration>',
      'how long to follow in all before giving up (exit 1)',
      '15m',
    )
    .option('--poll-interval <duration>', 'how often to ask the backend', '2s')
    .option(
      '--json',
      'print one JSON document (schema gort.follow/v1) at the end instead of live output',
    )
    .option(
      '--install',
      'set up a git alias in this repository that pushes, then follows (git has no post-push hook)',
    )
    .option(
      '--alias <name>',
      'name of the alias --install writes',
      'push-follow',
    )
    .option('--gort-command <command>', 'how the alias runs gort', 'gort')
    .addHelpText('after', HELP_AFTER)
    .action(
      async (
        ref: string | undefined,
        options: {
          backendUrl?: string;
          tokenCommand?: string;
          waitForRuns: string;
          timeout: string;
          pollInterval: string;
          json?: boolean;
          install?: boolean;
          alias: string;
          gortCommand: string;
        },
      ) => {
        context.setExitCode(
          await runFollow(
            {
              ...options,
              ref,
              json: Boolean(options.json),
              install: Boolean(options.install),
            },
            processFollowEnvironment(context.io),
          ),
        );
      },
    );
};
