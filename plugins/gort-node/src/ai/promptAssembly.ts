import { PROMPT_BLOCK_ATTRIBUTES, PromptBlockTag, renderBlock, TruncationSide } from './blocks';
import {
  DEFAULT_PROMPT_LIMITS,
  PromptBudgetReport,
  PromptDiffFile,
  PromptLimits,
} from './promptTypes';

export interface DataBlockSpec {
  tag: PromptBlockTag;
  attributes?: Record<string, string | undefined>;
  body: string;
  maxBodyChars: number;
  keep?: TruncationSide;
}

export interface AssembledData {
  text: string;
  report: PromptBudgetReport;
}

/** Below this many characters of room, a block is left out rather than squeezed in. */
const MIN_SQUEEZED_BODY_CHARS = 1_000;

export function resolveLimits(overrides?: Partial<PromptLimits>): PromptLimits {
  return { ...DEFAULT_PROMPT_LIMITS, ...overrides };
}

function isTruncated(rendered: string): boolean {
  return rendered
    .slice(0, rendered.indexOf('>\n'))
    .includes(' truncated="true"');
}

/**
 * Renders blocks in priority order until the total budget is spent; a block
 * that no longer fits is cut to the remaining room or, if too little is left,
 * omitted. Omitted blocks are counted in a note the model can read.
 */
export function assembleDataBlocks(
  specs: DataBlockSpec[],
  totalChars: number,
  alreadyOmitted: Partial<Record<PromptBlockTag, number>> = {},
): AssembledData {
  const parts: string[] = [];
  const omitted: Partial<Record<PromptBlockTag, number>> = {
    ...alreadyOmitted,
  };
  let used = 0;
  let truncatedBlocks = 0;

  for (const spec of specs) {
    const render = (maxBodyChars: number) =>
      renderBlock(spec.tag, spec.attributes ?? {}, spec.body, {
        maxBodyChars,
        keep: spec.keep,
      });
    let rendered = render(spec.maxBodyChars);
    const room = totalChars - used;
    if (rendered.length > room) {
      const overhead = render(0).length;
      const squeezedBody = room - overhead - 100;
      if (squeezedBody < MIN_SQUEEZED_BODY_CHARS) {
        omitted[spec.tag] = (omitted[spec.tag] ?? 0) + 1;
        continue;
      }
      rendered = render(squeezedBody);
    }
    if (isTruncated(rendered)) truncatedBlocks += 1;
    parts.push(rendered);
    used += rendered.length + 2;
  }

  const omittedEntries = Object.entries(omitted).filter(
    ([, count]) => (count ?? 0) > 0,
  );
  const omittedBlocks = omittedEntries.reduce(
    (sum, [, count]) => sum + (count ?? 0),
    0,
  );
  if (omittedBlocks > 0) {
    const detail = omittedEntries
      .map(([tag, count]) => `${count} ${tag}`)
      .join(', ');
    parts.push(
      `(${omittedBlocks} data block(s) were left out to stay within the prompt size limit: ${detail}.)`,
    );
  }
  const text = parts.join('\n\n');
  return {
    text,
    report: { dataChars: text.length, truncatedBlocks, omittedBlocks },
  };
}

/** Renders GitHub compare files as one unified diff. */
export function renderDiff(diff: PromptDiffFile[] | string): string {
  if (typeof diff === 'string') return diff;
  return diff
    .map(file => {
      const oldPath = file.previousPath ?? file.path;
      const header = [
        `diff --git a/${oldPath} b/${file.path}`,
        file.status === 'added' ? '--- /dev/null' : `--- a/${oldPath}`,
        file.status === 'removed' ? '+++ /dev/null' : `+++ b/${file.path}`,
      ];
      const patch = file.patch ?? '(no patch available for this file)';
      return `${header.join('\n')}\n${patch.replace(/\n$/, '')}`;
    })
    .join('\n');
}

export function toJsonBody(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

/** Keeps the first `max` items and counts the rest as omitted blocks of `tag`. */
export function takeFirst<T>(
  items: readonly T[],
  max: number,
  tag: PromptBlockTag,
  omitted: Partial<Record<PromptBlockTag, number>>,
): T[] {
  if (items.length > max) {
    omitted[tag] = (omitted[tag] ?? 0) + items.length - max;
  }
  return items.slice(0, max);
}

/** The push's diff as a data block, when there is one. */
export function diffBlocks(diff: PromptDiffFile[] | string | undefined, limits: PromptLimits): DataBlockSpec[] {
  return diff === undefined ? [] : [{ tag: 'diff', body: renderDiff(diff), maxBodyChars: limits.diffChars }];
}

/** Evidence items (logs, events, conditions) as data blocks. */
export function evidenceBlocks(
  evidence: ReadonlyArray<{ source: string; text: string; keep?: TruncationSide }>,
  limits: PromptLimits,
): DataBlockSpec[] {
  return evidence.map(item => ({
    tag: 'evidence',
    attributes: { [PROMPT_BLOCK_ATTRIBUTES.evidence.source]: item.source },
    body: item.text,
    maxBodyChars: limits.evidenceChars,
    keep: item.keep,
  }));
}

/** Plan documents as data blocks. */
export function planBlocks(
  plans: ReadonlyArray<{ path: string; content: string }>,
  limits: PromptLimits,
): DataBlockSpec[] {
  return plans.map(plan => ({
    tag: 'plan',
    attributes: { [PROMPT_BLOCK_ATTRIBUTES.plan.path]: plan.path },
    body: plan.content,
    maxBodyChars: limits.planChars,
  }));
}
