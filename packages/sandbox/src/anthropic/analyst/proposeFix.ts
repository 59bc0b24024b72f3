import { PROPOSE_FIX_TOOL } from '@gort-backstage/plugin-gort-node';
import type { FixEdit, ProposeFixInput } from '@gort-backstage/plugin-gort-node';
import { Explanation, FIX_STRATEGIES, StrategyInput } from './fixStrategies';
import { PromptData } from './readPrompt';
import {
  applyReplace,
  mergeAdjacentGroups,
  restoringEdit,
} from './restoreEdit';
import { changeGroups, deletedFileContent } from './unifiedDiff';

type FailureCategory = NonNullable<ProposeFixInput['category']>;

/** The taxonomy as the model sees it: the enum of the tool's `category` property. */
const CATEGORY_IDS: ReadonlySet<string> = new Set(
  (
    PROPOSE_FIX_TOOL.input_schema.properties.category as { enum: string[] }
  ).enum,
);

function isFailureCategory(value: unknown): value is FailureCategory {
  return typeof value === 'string' && CATEGORY_IDS.has(value);
}

/** Failures the analyst knows a commit cannot fix, with what a human must do. */
const OUTSIDE_GIT_REASONS: Partial<Record<FailureCategory, string>> = {
  'source-auth':
    'Flux cannot authenticate to the Git source. Fix the credentials in the cluster (the secret referenced by spec.secretRef of the GitRepository); a commit cannot change them.',
  'source-unavailable':
    'The Git source cannot be reached from the cluster. Check the network path and the source host; a commit cannot change that.',
  'rbac-forbidden':
    "Flux's service account is not allowed to apply the objects. Grant the permissions in the cluster or in the repository that manages Flux's RBAC.",
  unschedulable:
    'The pods cannot be scheduled on the current nodes. Add capacity or adjust node selectors and taints in the cluster.',
};

function parseObjectRef(ref: string | undefined): {
  kind?: string;
  name?: string;
} {
  if (!ref) return {};
  const parts = ref.split('/');
  return parts.length >= 2
    ? { kind: parts[0], name: parts[parts.length - 1] }
    : { name: parts[0] };
}

function filesHoldingObject(
  prompt: PromptData,
  ref: string | undefined,
): Set<string> {
  const { kind, name } = parseObjectRef(ref);
  const paths = new Set<string>();
  if (!name) return paths;
  const namePattern = new RegExp(
    `^\\s*name:\\s*["']?${name.replace(/[^\w.-]/g, '')}["']?\\s*$`,
    'm',
  );
  const kindPattern = kind
    ? new RegExp(`^kind:\\s*${kind.replace(/[^\w]/g, '')}\\s*$`, 'm')
    : undefined;
  for (const file of prompt.files.values()) {
    if (
      namePattern.test(file.content) &&
      (!kindPattern || kindPattern.test(file.content))
    ) {
      paths.add(file.path);
    }
  }
  return paths;
}

/** The edits restoring an explanation's changes, or undefined when one cannot be anchored. */
function editsFor(
  explanation: Explanation,
  prompt: PromptData,
): FixEdit[] | undefined {
  const edits: FixEdit[] = [];
  const byPath = new Map<string, typeof explanation.groups>();
  for (const group of explanation.groups) {
    byPath.set(group.path, [...(byPath.get(group.path) ?? []), group]);
  }
  for (const [path, groups] of byPath) {
    const file = prompt.files.get(path);
    if (!file || file.truncated) return undefined;
    let content = file.content;
    for (const group of mergeAdjacentGroups(groups)) {
      const edit = restoringEdit(group, content);
      const next = edit && applyReplace(content, edit);
      if (!edit || next === undefined) return undefined;
      edits.push(edit);
      content = next;
    }
  }
  for (const deleted of explanation.deletedFiles) {
    const content = deletedFileContent(deleted);
    if (!content || !deleted.oldPath || prompt.files.has(deleted.oldPath))
      return undefined;
    edits.push({ kind: 'create', path: deleted.oldPath, content });
  }
  return edits.length > 0 ? edits : undefined;
}

function linesOf(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** A replace edit as a small diff: shared leading and trailing lines are context. */
function editAsDiff(search: string, replace: string): string[] {
  const before = linesOf(search);
  const after = linesOf(replace);
  let head = 0;
  while (
    head < before.length &&
    head < after.length &&
    before[head] === after[head]
  )
    head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) {
    tail++;
  }
  return [
    ...before.slice(0, head).map(line => ` ${line}`),
    ...before.slice(head, before.length - tail).map(line => `-${line}`),
    ...after.slice(head, after.length - tail).map(line => `+${line}`),
    ...before.slice(before.length - tail).map(line => ` ${line}`),
  ];
}

function describeEdit(edit: FixEdit): string {
  if (edit.kind === 'create') {
    return `- \`${edit.path}\`: restore the file (${
      linesOf(edit.content).length
    } lines).`;
  }
  return [
    `- \`${edit.path}\`:`,
    '',
    '```diff',
    ...editAsDiff(edit.search, edit.replace),
    '```',
  ].join('\n');
}

function failingObject(prompt: PromptData): string {
  const object = prompt.push.objects?.[0];
  return object
    ? `${object.kind ?? 'Kustomization'} ${object.namespace}/${object.name}`
    : 'the Flux object';
}

function shortSha(prompt: PromptData): string {
  return (prompt.push.sha ?? 'unknown').slice(0, 12);
}

function planBody(
  prompt: PromptData,
  explanation: Explanation,
  edits: FixEdit[],
): string {
  const lines = [
    `# ${explanation.summary}`,
    '',
    '## What failed',
    `${failingObject(prompt)} failed to reconcile commit ${shortSha(prompt)} (${
      explanation.category
    }).`,
  ];
  if (prompt.diagnosis?.object)
    lines.push(`The failing object is ${prompt.diagnosis.object}.`);
  if (explanation.evidenceLine) {
    lines.push(
      '',
      '## Evidence',
      `> ${explanation.evidenceLine.slice(0, 300)}`,
    );
  }
  lines.push(
    '',
    '## Root cause',
    explanation.rootCause,
    '',
    '## Change',
    ...edits.map(describeEdit),
    '',
    '## Verification',
    `After this change is merged, Flux reconciles the new commit and ${failingObject(
      prompt,
    )} becomes Ready. ${explanation.verification}`,
  );
  return lines.join('\n');
}

function notFixable(
  prompt: PromptData,
  category: FailureCategory | undefined,
  reason: string,
  confidence: number,
): ProposeFixInput {
  return {
    summary: `No change in Git fixes the failure of ${failingObject(prompt)}.`,
    rootCause: reason,
    ...(category ? { category } : {}),
    confidence,
    edits: [],
    planDocument: {
      title: `Manual action needed for ${failingObject(prompt)}`,
      body: [
        `# Manual action needed for ${failingObject(prompt)}`,
        '',
        `Commit ${shortSha(prompt)} failed to reconcile${
          category ? ` (${category})` : ''
        }.`,
        '',
        reason,
      ].join('\n'),
    },
    notFixableInGit: reason,
  };
}

/**
 * The scripted analyst's answer to `propose_fix`: restore what the push
 * changed where the evidence points at it, validated against the files shown.
 */
export function proposeFix(prompt: PromptData): ProposeFixInput {
  const diagnosed = prompt.diagnosis?.category;
  const category = isFailureCategory(diagnosed) ? diagnosed : undefined;
  const outsideGit = category && OUTSIDE_GIT_REASONS[category];
  if (category && outsideGit) {
    return notFixable(prompt, category, outsideGit, 0.8);
  }

  const strategyInput: StrategyInput = {
    category,
    // Evidence first: its lines are the ones worth quoting.
    evidenceText: [
      ...prompt.evidence.map(item => item.text),
      prompt.diagnosis?.message,
      prompt.diagnosis?.summary,
    ]
      .filter(Boolean)
      .join('\n'),
    groups: prompt.diff
      .flatMap(changeGroups)
      .filter(group => prompt.files.has(group.path)),
    diff: prompt.diff,
    objectFiles: filesHoldingObject(prompt, prompt.diagnosis?.object),
    objectName: prompt.diagnosis?.object,
  };

  for (const strategy of FIX_STRATEGIES) {
    const explanation = strategy(strategyInput);
    const edits = explanation && editsFor(explanation, prompt);
    if (explanation && edits) {
      const resultCategory =
        category ??
        (isFailureCategory(explanation.category)
          ? explanation.category
          : undefined);
      return {
        summary: explanation.summary,
        rootCause: explanation.evidenceLine
          ? `${
              explanation.rootCause
            } Evidence: "${explanation.evidenceLine.slice(0, 300)}"`
          : explanation.rootCause,
        ...(resultCategory ? { category: resultCategory } : {}),
        confidence: explanation.confidence,
        edits,
        planDocument: {
          title: explanation.summary.slice(0, 200),
          body: planBody(prompt, explanation, edits),
        },
      };
    }
  }

  return notFixable(
    prompt,
    category,
    prompt.diff.length === 0
      ? 'The prompt holds no diff of the push, so no change can be tied to the failure. A human should read the evidence.'
      : "Nothing in the push's diff explains the failure shown by the evidence; restoring files blindly could make things worse. A human should read the evidence.",
    0.15,
  );
}
