/**
 * The data-block format of GORT's AI prompts. Untrusted material (events,
 * logs, files, diffs, plan documents, runtime state) travels inside tagged
 * blocks such as `<evidence source="…">…</evidence>`. This module is the single
 * definition of that format: the prompt builders render with it and the
 * sandbox's scripted analyst parses with it.
 *
 * Layout of one block (the body always sits on its own lines):
 *
 *   <tag name="value" other="value">
 *   body
 *   </tag>
 *
 * Escaping inside a body is minimal so that file contents stay quotable for
 * search-and-replace edits: only a `<` that starts something looking like one
 * of our tags becomes `&lt;`, and a literal `&lt;`/`&amp;` gets its `&`
 * escaped so that unescaping is exact.
 */

export const PROMPT_BLOCK_TAGS = [
  'push',
  'diagnosis',
  'evidence',
  'file',
  'diff',
  'plan',
  'runtime',
] as const;

export type PromptBlockTag = (typeof PROMPT_BLOCK_TAGS)[number];

/** Attribute names used by the builders, per tag. */
export const PROMPT_BLOCK_ATTRIBUTES = {
  evidence: { source: 'source' },
  file: { path: 'path', sha: 'sha' },
  plan: { path: 'path' },
  any: { truncated: 'truncated' },
} as const;

/** Starts the line inserted where a block's body was cut. */
export const TRUNCATION_MARKER_PREFIX = '[gort: truncated';

export function truncationMarker(removedChars: number): string {
  return `${TRUNCATION_MARKER_PREFIX} ${removedChars} characters]`;
}

const TAG_ALTERNATION = PROMPT_BLOCK_TAGS.join('|');
// Whitespace and case variations are escaped too: a model may read `</ Evidence >` as a closing tag.
const TAG_LIKE_OPENING = new RegExp(
  `<(?=\\s*/?\\s*(?:${TAG_ALTERNATION}))`,
  'gi',
);
const ENTITY_LIKE_AMPERSAND = /&(?=(?:lt|amp);)/g;

export function escapeBlockBody(text: string): string {
  return text
    .replace(ENTITY_LIKE_AMPERSAND, '&amp;')
    .replace(TAG_LIKE_OPENING, '&lt;');
}

export function unescapeBlockBody(text: string): string {
  return text.replace(/&(lt|amp);/g, (_, name: string) =>
    name === 'lt' ? '<' : '&',
  );
}

export function escapeAttributeValue(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, '&#10;');
}

export function unescapeAttributeValue(value: string): string {
  return value.replace(/&(amp|quot|lt|gt|#10);/g, (_, name: string) => {
    switch (name) {
      case 'quot':
        return '"';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case '#10':
        return '\n';
      default:
        return '&';
    }
  });
}

export type TruncationSide = 'head' | 'tail';

export interface RenderBlockOptions {
  /** Maximum length of the escaped body, truncation marker included. */
  maxBodyChars: number;
  /** Which end of an over-long body to keep; logs keep their tail. */
  keep?: TruncationSide;
  /** Maximum length of each attribute value. */
  maxAttributeChars?: number;
}

export interface BoundedText {
  text: string;
  truncated: boolean;
}

/**
 * Escapes `raw` and bounds the result to `maxChars`, cutting the raw text
 * (never an escape sequence) and adding a truncation marker line.
 */
export function boundEscapedBody(
  raw: string,
  maxChars: number,
  keep: TruncationSide = 'head',
): BoundedText {
  const escaped = escapeBlockBody(raw);
  if (escaped.length <= maxChars) {
    return { text: escaped, truncated: false };
  }
  const markerBudget = truncationMarker(raw.length).length + 1;
  let keepChars = Math.max(0, maxChars - markerBudget);
  for (;;) {
    const kept =
      keep === 'head'
        ? raw.slice(0, keepChars)
        : raw.slice(raw.length - keepChars);
    const escapedKept = escapeBlockBody(kept);
    const overflow = escapedKept.length + markerBudget - maxChars;
    if (overflow <= 0 || keepChars === 0) {
      const marker = truncationMarker(raw.length - kept.length);
      const text =
        keep === 'head'
          ? `${escapedKept}\n${marker}`
          : `${marker}\n${escapedKept}`;
      return { text, truncated: true };
    }
    keepChars = Math.max(0, keepChars - overflow);
  }
}

export function renderBlock(
  tag: PromptBlockTag,
  attributes: Record<string, string | undefined>,
  body: string,
  options: RenderBlockOptions,
): string {
  const bounded = boundEscapedBody(body, options.maxBodyChars, options.keep);
  const maxAttributeChars = options.maxAttributeChars ?? 300;
  const renderedAttributes = Object.entries({
    ...attributes,
    [PROMPT_BLOCK_ATTRIBUTES.any.truncated]: bounded.truncated
      ? 'true'
      : undefined,
  })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(
      ([name, value]) =>
        ` ${name}="${escapeAttributeValue(value.slice(0, maxAttributeChars))}"`,
    )
    .join('');
  return `<${tag}${renderedAttributes}>\n${bounded.text}\n</${tag}>`;
}

export interface ParsedPromptBlock {
  tag: PromptBlockTag;
  attributes: Record<string, string>;
  /** The unescaped body; a truncation marker line, if any, is still in it. */
  body: string;
  truncated: boolean;
}

const BLOCK_PATTERN = new RegExp(
  `<(${TAG_ALTERNATION})((?:\\s+[a-zA-Z_-]+="[^"]*")*)>\\n([\\s\\S]*?)\\n</\\1>`,
  'g',
);
const ATTRIBUTE_PATTERN = /([a-zA-Z_-]+)="([^"]*)"/g;

/**
 * Reads the data blocks out of prompt text rendered with {@link renderBlock}.
 * Text outside blocks is ignored.
 */
export function parsePromptBlocks(text: string): ParsedPromptBlock[] {
  const blocks: ParsedPromptBlock[] = [];
  for (const match of text.matchAll(BLOCK_PATTERN)) {
    const attributes: Record<string, string> = {};
    for (const attribute of match[2].matchAll(ATTRIBUTE_PATTERN)) {
      attributes[attribute[1]] = unescapeAttributeValue(attribute[2]);
    }
    blocks.push({
      tag: match[1] as PromptBlockTag,
      attributes,
      body: unescapeBlockBody(match[3]),
      truncated: attributes[PROMPT_BLOCK_ATTRIBUTES.any.truncated] === 'true',
    });
  }
  return blocks;
}
