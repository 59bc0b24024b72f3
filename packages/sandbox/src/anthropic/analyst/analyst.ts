import {
  PROPOSE_FIX_TOOL_NAME,
  REPORT_INTENT_VERDICT_TOOL_NAME,
} from '@gort-backstage/plugin-gort-node';
import { AnalystAnswer, AnswerBlock } from '../composeResponse';
import { MessagesRequest } from '../wireTypes';
import { summariseEvidence } from './evidenceSummary';
import { reportIntentVerdict } from './intentVerdict';
import { DangerousEdit, DANGEROUS_EDITS, withDangerousEdit } from './dangerousEdits';
import { adversarialFix, adversarialVerdict } from './misbehaviour';
import { proposeFix } from './proposeFix';
import { PromptData, readPrompt } from './readPrompt';

/** How the scripted analyst behaves: honestly, or like a model the backend must not trust. */
export type AnalystMode = 'normal' | 'adversarial' | 'truncate' | `dangerous:${DangerousEdit}`;

function dangerousEditOf(mode: AnalystMode): DangerousEdit | undefined {
  return DANGEROUS_EDITS.find(edit => mode === `dangerous:${edit}`);
}

const KNOWN_TOOLS = [PROPOSE_FIX_TOOL_NAME, REPORT_INTENT_VERDICT_TOOL_NAME];

function suitsPrompt(tool: string, prompt: PromptData): boolean {
  const has = (tag: string) => prompt.blocks.some(block => block.tag === tag);
  return tool === PROPOSE_FIX_TOOL_NAME
    ? has('diagnosis') || has('evidence')
    : has('plan') || has('runtime');
}

/** The tool the answer calls, or undefined for a prose answer. */
function chooseTool(
  request: MessagesRequest,
  prompt: PromptData,
): string | undefined {
  const offered = (request.tools ?? []).map(tool => tool.name);
  const choice = request.tool_choice ?? { type: 'auto' as const };
  if (choice.type === 'none' || offered.length === 0) return undefined;
  if (choice.type === 'tool') return choice.name;
  const known = KNOWN_TOOLS.filter(tool => offered.includes(tool));
  const suited = known.find(tool => suitsPrompt(tool, prompt));
  if (suited) return suited;
  return choice.type === 'any' ? known[0] : undefined;
}

function toolInput(
  tool: string,
  prompt: PromptData,
  mode: AnalystMode,
): Record<string, unknown> | undefined {
  if (tool === PROPOSE_FIX_TOOL_NAME) {
    const fix = proposeFix(prompt);
    const dangerous = dangerousEditOf(mode);
    // Only a fix with edits gets a dangerous file beside them (nothing to hide it in otherwise).
    if (dangerous && fix.edits.length > 0) return { ...withDangerousEdit(fix, dangerous) };
    return { ...(mode === 'adversarial' ? adversarialFix(fix) : fix) };
  }
  if (tool === REPORT_INTENT_VERDICT_TOOL_NAME) {
    const verdict = reportIntentVerdict(prompt);
    return {
      ...(mode === 'adversarial' ? adversarialVerdict(verdict) : verdict),
    };
  }
  return undefined;
}

const PREAMBLE: Record<string, string> = {
  [PROPOSE_FIX_TOOL_NAME]:
    'I compared the evidence with the diff of the push and will propose a fix.',
  [REPORT_INTENT_VERDICT_TOOL_NAME]:
    'I compared the plan documents with the runtime state and will report the verdict.',
};

/**
 * The scripted analyst: a deterministic answer from the request's data
 * blocks. Only data blocks are read; prose in the prompt (including anything
 * inside evidence that reads like an instruction) never changes the answer.
 */
export function answerRequest(
  request: MessagesRequest,
  mode: AnalystMode = 'normal',
): AnalystAnswer {
  const prompt = readPrompt(request);
  const tool = chooseTool(request, prompt);
  const input = tool ? toolInput(tool, prompt, mode) : undefined;
  if (!tool || !input) {
    const text = tool
      ? `The sandbox analyst cannot fill the tool "${tool}"; it answers only ${KNOWN_TOOLS.join(
          ' and ',
        )}.\n\n${summariseEvidence(prompt)}`
      : summariseEvidence(prompt);
    return { blocks: [{ type: 'text', text }] };
  }
  const blocks: AnswerBlock[] = [];
  // A forced tool choice makes the real API start the answer with the tool call, without prose.
  if ((request.tool_choice?.type ?? 'auto') === 'auto')
    blocks.push({ type: 'text', text: PREAMBLE[tool] });
  blocks.push({ type: 'tool_use', name: tool, input });
  return { blocks };
}
