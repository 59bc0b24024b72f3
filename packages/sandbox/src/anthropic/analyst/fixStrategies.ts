import {
  failedImagePulls,
  mentionsImagePullFailure,
  mentionsOomKill,
  missingEnvironmentVariables,
  missingFiles,
  rejectedFieldNames,
  rejectedFlags,
  Signal,
} from './evidenceSignals';
import { ChangeGroup, DiffFile } from './unifiedDiff';

/** Which changes of the push explain the failure, and why. */
export interface Explanation {
  category: string;
  groups: ChangeGroup[];
  /** Files the push deleted that must come back. */
  deletedFiles: DiffFile[];
  rootCause: string;
  summary: string;
  evidenceLine?: string;
  confidence: number;
  verification: string;
}

export interface StrategyInput {
  category?: string;
  /** All evidence text plus the diagnosis message. */
  evidenceText: string;
  groups: ChangeGroup[];
  diff: DiffFile[];
  /** Paths of files whose content contains the failing object. */
  objectFiles: Set<string>;
  objectName?: string;
}

export type Strategy = (input: StrategyInput) => Explanation | undefined;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const YAML_VALUE = (key: string) =>
  new RegExp(
    `^\\s*(?:-\\s+)?["']?${escapeRegExp(key)}["']?\\s*:\\s*["']?([^"'\\s#]+)`,
  );

function valueOf(lines: string[], key: string): string | undefined {
  const pattern = YAML_VALUE(key);
  for (const line of lines) {
    const match = pattern.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

function preferObjectFiles(
  groups: ChangeGroup[],
  objectFiles: Set<string>,
): ChangeGroup[] {
  const inObjectFiles = groups.filter(group => objectFiles.has(group.path));
  return inObjectFiles.length > 0 ? inObjectFiles : groups;
}

function imageMatches(reference: string, value: string): boolean {
  return (
    reference === value ||
    reference.endsWith(`:${value}`) ||
    reference.endsWith(`/${value}`) ||
    value.endsWith(reference)
  );
}

export const restoreUnpullableImage: Strategy = input => {
  if (
    input.category !== 'image-pull' &&
    !mentionsImagePullFailure(input.evidenceText)
  )
    return undefined;
  const pulls = failedImagePulls(input.evidenceText);
  for (const pull of pulls) {
    for (const key of ['image', 'newTag', 'tag', 'newName']) {
      const group = input.groups.find(candidate => {
        const added = valueOf(candidate.added, key);
        return (
          added !== undefined &&
          valueOf(candidate.removed, key) !== undefined &&
          imageMatches(pull.value, added)
        );
      });
      if (group) {
        const from = valueOf(group.added, key)!;
        const to = valueOf(group.removed, key)!;
        return {
          category: 'image-pull',
          groups: [group],
          deletedFiles: [],
          evidenceLine: pull.line,
          confidence: 0.9,
          rootCause: `The push changed \`${key}\` in ${group.path} from \`${to}\` to \`${from}\`, and the kubelet cannot pull ${pull.value}.`,
          summary: `Restore ${key} ${to} in ${group.path}: ${pull.value} cannot be pulled.`,
          verification: `The pods pull \`${to}\` again and become Ready.`,
        };
      }
    }
  }
  return undefined;
};

const QUANTITY = /^(\d+(?:\.\d+)?)([KMGTE]i?|[kmu])?$/;
const QUANTITY_FACTORS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  u: 1e-6,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity in base units, or undefined. */
export function parseQuantity(value: string): number | undefined {
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * (QUANTITY_FACTORS[match[2] ?? ''] ?? NaN);
}

export const restoreMemoryLimit: Strategy = input => {
  if (input.category !== 'oom-killed' && !mentionsOomKill(input.evidenceText))
    return undefined;
  const lowered = input.groups.filter(group => {
    const added = valueOf(group.added, 'memory');
    const removed = valueOf(group.removed, 'memory');
    if (!added || !removed) return false;
    const [now, before] = [parseQuantity(added), parseQuantity(removed)];
    return now !== undefined && before !== undefined && now < before;
  });
  const group = preferObjectFiles(lowered, input.objectFiles)[0];
  if (!group) return undefined;
  const now = valueOf(group.added, 'memory')!;
  const before = valueOf(group.removed, 'memory')!;
  return {
    category: 'oom-killed',
    groups: [group],
    deletedFiles: [],
    evidenceLine: input.evidenceText
      .split('\n')
      .find(line => mentionsOomKill(line))
      ?.trim(),
    confidence: 0.85,
    rootCause: `The push lowered a memory setting in ${group.path} from ${before} to ${now}; the container is killed for running out of memory (OOMKilled).`,
    summary: `Restore memory ${before} in ${group.path}: the container is OOMKilled with ${now}.`,
    verification:
      'The containers stop restarting with reason OOMKilled and the workload becomes Ready.',
  };
};

function firstGroupFor(
  signals: Signal[],
  groups: ChangeGroup[],
  matches: (group: ChangeGroup, value: string) => boolean,
) {
  for (const signal of signals) {
    const group = groups.find(candidate => matches(candidate, signal.value));
    if (group) return { signal, group };
  }
  return undefined;
}

export const restoreCrashingConfiguration: Strategy = input => {
  const removedEnv = firstGroupFor(
    missingEnvironmentVariables(input.evidenceText),
    preferObjectFiles(input.groups, input.objectFiles),
    (group, name) =>
      group.removed.some(line =>
        new RegExp(
          `(?:name:\\s*["']?${name}["']?\\s*$|\\b${name}\\s*[:=])`,
        ).test(line),
      ) && !group.added.some(line => line.includes(name)),
  );
  if (removedEnv) {
    return {
      category: 'workload-failed',
      groups: [removedEnv.group],
      deletedFiles: [],
      evidenceLine: removedEnv.signal.line,
      confidence: 0.8,
      rootCause: `The push removed the environment variable ${removedEnv.signal.value} from ${removedEnv.group.path}; the program exits because it is not set, so the container crash-loops.`,
      summary: `Restore environment variable ${removedEnv.signal.value} in ${removedEnv.group.path}.`,
      verification:
        'The container starts without restarting and the workload becomes Ready.',
    };
  }
  const addedFlag = firstGroupFor(
    rejectedFlags(input.evidenceText),
    preferObjectFiles(input.groups, input.objectFiles),
    (group, flag) => group.added.some(line => line.includes(flag)),
  );
  if (addedFlag) {
    return {
      category: 'workload-failed',
      groups: [addedFlag.group],
      deletedFiles: [],
      evidenceLine: addedFlag.signal.line,
      confidence: 0.8,
      rootCause: `The push added the argument ${addedFlag.signal.value} in ${addedFlag.group.path}, which the program rejects, so the container crash-loops.`,
      summary: `Remove the unsupported argument ${addedFlag.signal.value} from ${addedFlag.group.path}.`,
      verification:
        'The container starts without restarting and the workload becomes Ready.',
    };
  }
  return undefined;
};

export const restoreRejectedField: Strategy = input => {
  const fields = rejectedFieldNames(input.evidenceText);
  const candidates = preferObjectFiles(input.groups, input.objectFiles);
  const match = firstGroupFor(fields, candidates, (group, field) => {
    const key = YAML_VALUE(field);
    const keyOnly = new RegExp(`^\\s*(?:-\\s+)?${escapeRegExp(field)}\\s*:`);
    const nearbyContext = group.newLinesBefore.slice(-3);
    return (
      group.added.some(line => key.test(line) || keyOnly.test(line)) ||
      (group.added.length > 0 && nearbyContext.some(line => keyOnly.test(line)))
    );
  });
  if (!match) return undefined;
  return {
    category: input.category ?? 'invalid-manifest',
    groups: [match.group],
    deletedFiles: [],
    evidenceLine: match.signal.line,
    confidence: 0.75,
    rootCause: `The API server rejects \`${match.signal.value}\` as changed by the push in ${match.group.path}.`,
    summary: `Restore the previous \`${match.signal.value}\` in ${match.group.path}, which the API server rejects.`,
    verification:
      'The Kustomization dry-run succeeds and the object is applied.',
  };
};

export const restoreMissingFile: Strategy = input => {
  const files = missingFiles(input.evidenceText);
  for (const file of files) {
    const deleted = input.diff.find(
      candidate =>
        !candidate.newPath &&
        candidate.oldPath?.split('/').pop() === file.value,
    );
    if (deleted) {
      return {
        category: input.category ?? 'kustomize-build',
        groups: [],
        deletedFiles: [deleted],
        evidenceLine: file.line,
        confidence: 0.8,
        rootCause: `The push deleted ${deleted.oldPath}, which is still listed as a resource, so the kustomize build fails.`,
        summary: `Restore ${deleted.oldPath}, deleted by the push but still referenced.`,
        verification:
          'The kustomize build succeeds and the Kustomization becomes Ready.',
      };
    }
    const group = input.groups.find(candidate =>
      candidate.added.some(line => line.includes(file.value)),
    );
    if (group) {
      return {
        category: input.category ?? 'kustomize-build',
        groups: [group],
        deletedFiles: [],
        evidenceLine: file.line,
        confidence: 0.75,
        rootCause: `The push added a reference to ${file.value} in ${group.path}, but the file does not exist, so the kustomize build fails.`,
        summary: `Remove the reference to the missing file ${file.value} from ${group.path}.`,
        verification:
          'The kustomize build succeeds and the Kustomization becomes Ready.',
      };
    }
  }
  return undefined;
};

/** Last resort: undo the push's changes to the file that holds the failing object. */
export const revertObjectFile: Strategy = input => {
  const groups = input.groups.filter(group =>
    input.objectFiles.has(group.path),
  );
  if (groups.length === 0) return undefined;
  const path = groups[0].path;
  const sameFile = groups.filter(group => group.path === path);
  return {
    category: input.category ?? 'unknown',
    groups: sameFile,
    deletedFiles: [],
    confidence: 0.4,
    rootCause: `The failing object ${
      input.objectName ?? ''
    } is defined in ${path}, which the push changed; no evidence line points at a specific change, so the whole change to that file is the suspect.`.replace(
      '  ',
      ' ',
    ),
    summary: `Revert the push's changes to ${path}, which holds the failing object.`,
    verification:
      'The failing object reconciles again; then re-apply the intended change in smaller steps.',
  };
};

/** Tried in this order; the first explanation wins. */
export const FIX_STRATEGIES: Strategy[] = [
  restoreUnpullableImage,
  restoreMemoryLimit,
  restoreCrashingConfiguration,
  restoreMissingFile,
  restoreRejectedField,
  revertObjectFile,
];
