import type { RegisterCommand } from '..';
import { runDiagnose } from './diagnose';

// No line may end with ":" (the CLI report of @backstage/repo-tools reads
// such lines as section headings).
const DESCRIPTION = `Diagnoses why Flux objects fail, from YAML as printed by
\`kubectl get -o yaml\` (single, multi-document or kind: List).
Reads stdin when no FILE (or "-") is given. Output is redacted.`;

const HELP_AFTER = `
Exit codes: 0 diagnosis printed (also "unknown" and "nothing failing"),
            2 usage error or unreadable/unrecognised input.
Example: kubectl get kustomizations,gitrepositories -A -o yaml | gort diagnose
`;

export const registerDiagnoseCommand: RegisterCommand = (program, context) => {
  program
    .command('diagnose')
    .summary('explain why Flux objects fail, offline')
    .description(DESCRIPTION)
    .argument('[file...]', 'YAML or JSON files; "-" or none reads stdin')
    .option('--json', 'print exactly one JSON object: the root-cause diagnosis')
    .option(
      '--explain',
      'show how each condition message was classified: the normalised message, the rule that matched with the upstream template it was written from, and the next candidate rules (why a more specific one did not fire); with --json, one JSON array of explanations',
    )
    .option(
      '--object <ref>',
      'diagnose this object (Kind/namespace/name) instead of picking the root cause among all failing objects',
    )
    .addHelpText('after', HELP_AFTER)
    .action(
      async (
        files: string[],
        options: { json?: boolean; explain?: boolean; object?: string },
      ) => {
        context.setExitCode(
          await runDiagnose(
            {
              files,
              json: Boolean(options.json),
              explain: Boolean(options.explain),
              target: options.object,
            },
            context.io,
          ),
        );
      },
    );
};
