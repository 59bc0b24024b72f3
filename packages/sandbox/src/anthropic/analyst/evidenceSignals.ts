/**
 * Facts the analyst looks for in evidence text. Each reader returns what it
 * found together with the line it found it in, so the answer can quote it.
 */

export interface Signal {
  value: string;
  line: string;
}

function unique(signals: Signal[]): Signal[] {
  const seen = new Set<string>();
  return signals.filter(signal => {
    if (seen.has(signal.value)) return false;
    seen.add(signal.value);
    return true;
  });
}

function collect(text: string, patterns: RegExp[]): Signal[] {
  const signals: Signal[] = [];
  for (const line of text.split('\n')) {
    for (const pattern of patterns) {
      for (const match of line.matchAll(pattern)) {
        if (match[1]) signals.push({ value: match[1], line: line.trim() });
      }
    }
  }
  return unique(signals);
}

/** Image references the kubelet failed to pull. */
export function failedImagePulls(text: string): Signal[] {
  return collect(text, [
    /(?:failed to pull(?: and unpack)? image|back-?off pulling image|error pulling image|pull access denied for|image pull failed for|ErrImagePull[^"]*image)\s*\\?"([^"\\\s]+)\\?"/gi,
    /failed to resolve reference \\?"([^"\\\s]+)\\?"/gi,
  ]);
}

export function mentionsImagePullFailure(text: string): boolean {
  return /ImagePullBackOff|ErrImagePull|failed to pull image|manifest unknown/i.test(
    text,
  );
}

export function mentionsOomKill(text: string): boolean {
  return /OOMKilled|out of memory|oom-kill|memory cgroup out of memory/i.test(
    text,
  );
}

const ENV_NAME = '([A-Z][A-Z0-9_]{2,})';

/** Environment variables a crashing program says are missing. */
export function missingEnvironmentVariables(text: string): Signal[] {
  return collect(text, [
    new RegExp(
      `(?:environment variable|env var(?:iable)?|env)\\s+[\`'"]?${ENV_NAME}[\`'"]?\\s+(?:is\\s+)?(?:not set|missing|required|undefined|empty|must be set)`,
      'gi',
    ),
    new RegExp(
      `(?:missing|required|undefined)\\s+(?:required\\s+)?(?:environment variable|env var(?:iable)?|env)s?[:=\\s]+[\`'"]?${ENV_NAME}`,
      'gi',
    ),
    new RegExp(
      `\\b${ENV_NAME}\\s+(?:must be set|is not set|is required|not set)\\b`,
      'g',
    ),
  ]).filter(signal => /^[A-Z][A-Z0-9_]+$/.test(signal.value));
}

/** Command-line flags a crashing program rejects. */
export function rejectedFlags(text: string): Signal[] {
  return collect(text, [
    /unknown (?:shorthand )?flag:?\s+'?(-{1,2}[A-Za-z0-9][\w-]*)/gi,
    /flag provided but not defined:\s+(-{1,2}[A-Za-z0-9][\w-]*)/gi,
    /unrecognized (?:option|argument)s?:?\s+'?(-{1,2}[A-Za-z0-9][\w-]*)/gi,
  ]);
}

/** Field names from Kubernetes validation, dry-run and decoding errors, most specific first. */
export function rejectedFieldNames(text: string): Signal[] {
  const paths = collect(text, [
    /is invalid: \[?((?:[a-zA-Z]+(?:\[\d+\])?\.)*[a-zA-Z]+(?:\[\d+\])?):/g,
    /unknown field \\?"([\w.[\]]+)\\?"/g,
    /\.?((?:[a-zA-Z]+(?:\[\d+\])?\.)+[a-zA-Z]+): field not declared in schema/g,
    /missing required field \\?"(\w+)\\?"/g,
    /(?:^|\s)((?:spec|metadata|data)(?:\.[a-zA-Z]+(?:\[\d+\])?)+): (?:Invalid value|Required value|Unsupported value|Forbidden|Duplicate value)/g,
  ]);
  const generic = new Set([
    'spec',
    'template',
    'metadata',
    'containers',
    'data',
  ]);
  const names: Signal[] = [];
  for (const path of paths) {
    const segments = path.value
      .split('.')
      .map(segment => segment.replace(/\[\d+\]$/, ''));
    for (const segment of segments.reverse()) {
      if (!generic.has(segment))
        names.push({ value: segment, line: path.line });
    }
  }
  return unique(names);
}

/** Files a kustomize build could not find. */
export function missingFiles(text: string): Signal[] {
  return collect(text, [
    /([\w./-]+\.ya?ml)'?:? (?:no such file or directory|not found)/g,
    /accumulating resources from '([\w./-]+)'/g,
    /evalsymlink failure on '([\w./-]+)'/g,
  ]).map(signal => ({
    value: signal.value.split('/').pop() ?? signal.value,
    line: signal.line,
  }));
}

/** Lines worth quoting in a summary: errors, failures, back-offs. */
export function notableLines(text: string, max: number): string[] {
  const lines = text
    .split('\n')
    .map(line => line.trim())
    .filter(line =>
      /error|fail|back-?off|oomkilled|invalid|denied|not found|forbidden|timeout|timed out|unable|cannot|panic|fatal/i.test(
        line,
      ),
    );
  return [...new Set(lines)]
    .slice(0, max)
    .map(line => (line.length > 240 ? `${line.slice(0, 237)}...` : line));
}
