/**
 * The steps of docs/install.md that the install test runs. A step is the
 * fenced code block right after an `<!-- install-test: NAME -->` comment, so
 * the page a person follows and the test cannot drift apart.
 */
export interface DocStep {
  name: string;
  language: string;
  code: string;
}

const MARKER =
  /<!--\s*install-test:\s*([\w-]+)\s*-->\s*\n```(\w*)\n([\s\S]*?)\n```/g;

export function readDocSteps(markdown: string): Map<string, DocStep> {
  const steps = new Map<string, DocStep>();
  for (const match of markdown.matchAll(MARKER)) {
    const [, name, language, code] = match;
    if (steps.has(name))
      throw new Error(`install doc: step "${name}" is marked twice`);
    steps.set(name, { name, language, code });
  }
  return steps;
}

export function docStep(
  steps: Map<string, DocStep>,
  name: string,
  language: string,
): string {
  const step = steps.get(name);
  if (!step)
    throw new Error(
      `install doc: no block marked <!-- install-test: ${name} -->`,
    );
  if (step.language !== language) {
    throw new Error(
      `install doc: step "${name}" is \`\`\`${step.language}, expected \`\`\`${language}`,
    );
  }
  return step.code;
}

/** `npm install PKG … --workspace WS` lines of a shell block. */
export interface NpmInstallCommand {
  packages: string[];
  workspace: string;
}

export function parseNpmInstalls(shell: string): NpmInstallCommand[] {
  const commands: NpmInstallCommand[] = [];
  for (const raw of shell.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const words = line.split(/\s+/);
    if (words[0] !== 'npm' || words[1] !== 'install') {
      throw new Error(
        `install doc: expected only "npm install" lines, got: ${line}`,
      );
    }
    const packages: string[] = [];
    let workspace: string | undefined;
    for (let i = 2; i < words.length; i++) {
      if (words[i] === '--workspace' || words[i] === '-w')
        workspace = words[++i];
      else if (words[i].startsWith('-'))
        throw new Error(
          `install doc: unexpected option ${words[i]} in: ${line}`,
        );
      else packages.push(words[i]);
    }
    if (!workspace || packages.length === 0) {
      throw new Error(
        `install doc: "${line}" must name packages and --workspace`,
      );
    }
    commands.push({ packages, workspace });
  }
  return commands;
}
