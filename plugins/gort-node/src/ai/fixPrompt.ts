import { PROMPT_BLOCK_ATTRIBUTES, PromptBlockTag } from './blocks';
import {
  assembleDataBlocks,
  DataBlockSpec,
  resolveLimits,
  takeFirst,
  toJsonBody,
  diffBlocks,
  evidenceBlocks,
  planBlocks,
} from './promptAssembly';
import {
  AiPrompt,
  FixPromptInput,
  PromptDiffFile,
  PromptFile,
} from './promptTypes';
import { PROPOSE_FIX_TOOL, PROPOSE_FIX_TOOL_NAME } from './tools';
import {
  DATA_BLOCK_RULES,
  describeObject,
  pushBlock,
  sanitizeInline,
} from './promptText';

/** Heading of the allowed-path list in the fix system prompt. */
const ALLOWED_PATHS_HEADING =
  'You may only edit or create files whose path matches one of these globs:';

function fixSystemPrompt(allowedPaths: string[]): string {
  const globs = allowedPaths.length
    ? allowedPaths.map(glob => `   - ${sanitizeInline(glob, 200)}`).join('\n')
    : '   (none: do not propose edits, explain the fix in rootCause instead)';
  return [
    'You are GORT, an analyst for GitOps deployments reconciled by Flux CD. A push to a Git repository failed to reconcile.',
    'Find the change in the push that caused the failure and propose the smallest fix as edits to the repository.',
    '',
    'Rules:',
    DATA_BLOCK_RULES,
    `3. ${ALLOWED_PATHS_HEADING}`,
    globs,
    '   Never edit anything under .github/, and never write a Kubernetes Secret with clear-text data.',
    '4. A "replace" edit quotes `search` exactly as the text appears in the <file> block of that path (unescaped), and it must occur exactly once in that file: include enough neighbouring lines to make it unique. Use a "create" edit only for a file that does not exist yet.',
    '5. Prefer restoring what the push changed over inventing new configuration. Keep the rule diagnosis category when its certainty is "certain".',
    '6. If no change in Git can fix the failure (credentials, cluster capacity, permissions outside the repository), set notFixableInGit with the reason and what a human must do, and return no edits.',
    '7. Always write planDocument: a short Markdown document saying what failed, why, what the change does and how to verify it.',
    `8. Answer only by calling the ${PROPOSE_FIX_TOOL_NAME} tool, once. Do not answer in prose.`,
  ].join('\n');
}

function diffPaths(diff: FixPromptInput['diff']): Set<string> {
  if (!diff || typeof diff === 'string') return new Set();
  return new Set(
    diff.flatMap((file: PromptDiffFile) => [
      file.path,
      file.previousPath ?? file.path,
    ]),
  );
}

/** Files touched by the push first: they are the likeliest to need the fix. */
function orderFiles(files: PromptFile[], touched: Set<string>): PromptFile[] {
  return [...files].sort(
    (a, b) => Number(touched.has(b.path)) - Number(touched.has(a.path)),
  );
}

export function buildFixPrompt(input: FixPromptInput): AiPrompt {
  const limits = resolveLimits(input.limits);
  const omitted: Partial<Record<PromptBlockTag, number>> = {};
  const files = takeFirst(
    orderFiles(input.files, diffPaths(input.diff)),
    limits.maxFiles,
    'file',
    omitted,
  );
  const evidence = takeFirst(
    input.evidence,
    limits.maxEvidenceBlocks,
    'evidence',
    omitted,
  );
  const plans = takeFirst(input.plans ?? [], limits.maxPlans, 'plan', omitted);

  const specs: DataBlockSpec[] = [
    pushBlock(input.push, [input.object]),
    {
      tag: 'diagnosis',
      body: toJsonBody(input.diagnosis),
      maxBodyChars: limits.diagnosisChars,
    },
  ];
  specs.push(...diffBlocks(input.diff, limits));
  for (const file of files) {
    specs.push({
      tag: 'file',
      attributes: {
        [PROMPT_BLOCK_ATTRIBUTES.file.path]: file.path,
        [PROMPT_BLOCK_ATTRIBUTES.file.sha]: input.push.sha,
      },
      body: file.content,
      maxBodyChars: limits.fileChars,
    });
  }
  specs.push(...evidenceBlocks(evidence, limits), ...planBlocks(plans, limits));

  const data = assembleDataBlocks(specs, limits.totalChars, omitted);
  const task =
    `Propose a fix for the failed reconciliation of ${describeObject(
      input.object,
    )} ` +
    `at commit ${sanitizeInline(
      input.push.sha,
      64,
    )} by calling ${PROPOSE_FIX_TOOL_NAME}.`;
  return {
    system: fixSystemPrompt(input.allowedPaths),
    messages: [
      {
        role: 'user',
        content: `The data collected for this failure follows.\n\n${data.text}\n\n${task}`,
      },
    ],
    tools: [PROPOSE_FIX_TOOL],
    toolChoice: { type: 'tool', name: PROPOSE_FIX_TOOL_NAME },
    budget: data.report,
  };
}
