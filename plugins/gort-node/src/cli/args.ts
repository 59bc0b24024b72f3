export type ParsedArgs =
  | { command: 'help' }
  | {
      command: 'diagnose';
      json: boolean;
      explain: boolean;
      files: string[];
      target?: string;
    }
  | { command: 'error'; message: string };

/** Parses `gort diagnose [--json] [--explain] [--object REF] [FILE ...]`; `-` or no file means stdin. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (command === undefined)
    return {
      command: 'error',
      message: 'missing command (try: gort diagnose --help)',
    };
  if (command === '--help' || command === '-h' || command === 'help')
    return { command: 'help' };
  if (command !== 'diagnose')
    return { command: 'error', message: `unknown command "${command}"` };

  let json = false;
  let explain = false;
  let target: string | undefined;
  const files: string[] = [];
  let optionsEnded = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
    } else if (arg === '--') {
      optionsEnded = true;
    } else if (arg === '--help' || arg === '-h') {
      return { command: 'help' };
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--explain') {
      explain = true;
    } else if (arg === '--object' || arg.startsWith('--object=')) {
      target = arg === '--object' ? rest[++i] : arg.slice('--object='.length);
      if (!target)
        return {
          command: 'error',
          message: '--object needs a value like Kustomization/flux-system/apps',
        };
    } else {
      return { command: 'error', message: `unknown option "${arg}"` };
    }
  }
  return { command: 'diagnose', json, explain, files, target };
}

export const USAGE = `Usage: gort diagnose [--json] [--explain] [--object REF] [FILE ...]

Diagnoses why Flux objects fail, from YAML as printed by
\`kubectl get -o yaml\` (single, multi-document or kind: List).
Reads stdin when no FILE (or "-") is given. Output is redacted.

Options:
  --json          print exactly one JSON object: the root-cause diagnosis
  --explain       show how each condition message was classified: the
                  normalised message, the rule that matched with the
                  upstream template it was written from, and the next
                  candidate rules (why a more specific one did not fire);
                  with --json, one JSON array of explanations
  --object REF    diagnose this object (Kind/namespace/name) instead of
                  picking the root cause among all failing objects
  -h, --help      show this help

Exit codes: 0 diagnosis printed (also "unknown" and "nothing failing"),
            2 usage error or unreadable/unrecognised input.

Example:
  kubectl get kustomizations,gitrepositories,helmreleases -A -o yaml | gort diagnose
`;
