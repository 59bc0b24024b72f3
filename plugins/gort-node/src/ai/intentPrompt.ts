import { PromptBlockTag } from './blocks';
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
import { AiPrompt, IntentPromptInput } from './promptTypes';
import { DATA_BLOCK_RULES, pushBlock, sanitizeInline } from './promptText';
import {
  REPORT_INTENT_VERDICT_TOOL,
  REPORT_INTENT_VERDICT_TOOL_NAME,
} from './tools';

const INTENT_SYSTEM_PROMPT = [
  'You are GORT, an analyst for GitOps deployments reconciled by Flux CD. A push reconciled successfully.',
  'Decide whether what now runs in the cluster matches the intent written in the plan documents of the repository.',
  '',
  'Rules:',
  DATA_BLOCK_RULES,
  '3. Read the expectations from the <plan> blocks (replica counts, image names and versions, resource limits, namespaces, behaviour) and compare each one with the <runtime> block.',
  '4. One finding per expectation: "met" when the runtime state shows it, "not_met" when it contradicts it, "unknown" when the runtime data does not say.',
  '5. met is true only when no finding is not_met. Lower your confidence for each unknown finding.',
  `6. Answer only by calling the ${REPORT_INTENT_VERDICT_TOOL_NAME} tool, once. Do not answer in prose.`,
].join('\n');

export function buildIntentPrompt(input: IntentPromptInput): AiPrompt {
  const limits = resolveLimits(input.limits);
  const omitted: Partial<Record<PromptBlockTag, number>> = {};
  const plans = takeFirst(input.plans, limits.maxPlans, 'plan', omitted);
  const evidence = takeFirst(
    input.evidence ?? [],
    limits.maxEvidenceBlocks,
    'evidence',
    omitted,
  );

  const specs: DataBlockSpec[] = [
    pushBlock(input.push, input.objects),
    ...planBlocks(plans, limits),
    { tag: 'runtime', body: toJsonBody(input.runtime), maxBodyChars: limits.runtimeChars },
    ...diffBlocks(input.diff, limits),
    ...evidenceBlocks(evidence, limits),
  ];

  const data = assembleDataBlocks(specs, limits.totalChars, omitted);
  const task =
    `Compare the runtime state after commit ${sanitizeInline(
      input.push.sha,
      64,
    )} with the plan documents ` +
    `and call ${REPORT_INTENT_VERDICT_TOOL_NAME}.`;
  return {
    system: INTENT_SYSTEM_PROMPT,
    messages: [
      {
        role: 'user',
        content: `The data collected after this push follows.\n\n${data.text}\n\n${task}`,
      },
    ],
    tools: [REPORT_INTENT_VERDICT_TOOL],
    toolChoice: { type: 'tool', name: REPORT_INTENT_VERDICT_TOOL_NAME },
    budget: data.report,
  };
}
