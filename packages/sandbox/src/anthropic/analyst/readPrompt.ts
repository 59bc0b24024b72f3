import {
  ParsedPromptBlock,
  parsePromptBlocks,
  PROMPT_BLOCK_ATTRIBUTES,
  TRUNCATION_MARKER_PREFIX,
} from '@gort-backstage/plugin-gort-node';
import { MessagesRequest } from '../wireTypes';
import { DiffFile, parseUnifiedDiff } from './unifiedDiff';

export interface PromptFileData {
  path: string;
  content: string;
  /** A cut file cannot be searched reliably, so the analyst does not edit it. */
  truncated: boolean;
}

export interface PromptEvidenceData {
  source: string;
  text: string;
}

export interface PromptDiagnosisData {
  category?: string;
  certainty?: string;
  object?: string;
  message?: string;
  summary?: string;
}

export interface PromptPushData {
  repository?: string;
  sha?: string;
  objects?: Array<{ kind?: string; namespace?: string; name?: string }>;
}

/** What the analyst can read from a request: only the data blocks of user messages. */
export interface PromptData {
  blocks: ParsedPromptBlock[];
  push: PromptPushData;
  diagnosis?: PromptDiagnosisData;
  evidence: PromptEvidenceData[];
  files: Map<string, PromptFileData>;
  diff: DiffFile[];
  plans: Array<{ path: string; text: string }>;
  runtime?: unknown;
}

export function userText(request: MessagesRequest): string {
  return request.messages
    .filter(message => message.role === 'user')
    .map(message =>
      typeof message.content === 'string'
        ? message.content
        : message.content
            .map(block => (block.type === 'text' ? block.text : ''))
            .join('\n'),
    )
    .join('\n');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(
  record: Record<string, unknown>,
  key: string,
): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

/** The body without the truncation marker line the prompt builder adds. */
function withoutTruncationMarker(body: string): string {
  return body
    .split('\n')
    .filter(line => !line.startsWith(TRUNCATION_MARKER_PREFIX))
    .join('\n');
}

function readDiagnosis(
  blocks: ParsedPromptBlock[],
): PromptDiagnosisData | undefined {
  const block = blocks.find(b => b.tag === 'diagnosis');
  const parsed = block ? parseJson(block.body) : undefined;
  if (!isRecord(parsed)) return undefined;
  return {
    category: stringField(parsed, 'category'),
    certainty: stringField(parsed, 'certainty'),
    object: stringField(parsed, 'object'),
    message: stringField(parsed, 'message'),
    summary: stringField(parsed, 'summary'),
  };
}

export function readPrompt(request: MessagesRequest): PromptData {
  const blocks = parsePromptBlocks(userText(request));
  const files = new Map<string, PromptFileData>();
  for (const block of blocks.filter(b => b.tag === 'file')) {
    const path = block.attributes[PROMPT_BLOCK_ATTRIBUTES.file.path];
    if (path)
      files.set(path, {
        path,
        content: block.body,
        truncated: block.truncated,
      });
  }
  const pushBlock = blocks.find(b => b.tag === 'push');
  const push = pushBlock ? parseJson(pushBlock.body) : undefined;
  const runtimeBlock = blocks.find(b => b.tag === 'runtime');
  return {
    blocks,
    push: isRecord(push) ? (push as PromptPushData) : {},
    diagnosis: readDiagnosis(blocks),
    evidence: blocks
      .filter(b => b.tag === 'evidence')
      .map(b => ({
        source:
          b.attributes[PROMPT_BLOCK_ATTRIBUTES.evidence.source] ?? 'unknown',
        text: withoutTruncationMarker(b.body),
      })),
    files,
    diff: blocks
      .filter(b => b.tag === 'diff')
      .flatMap(b => parseUnifiedDiff(withoutTruncationMarker(b.body))),
    plans: blocks
      .filter(b => b.tag === 'plan')
      .map(b => ({
        path: b.attributes[PROMPT_BLOCK_ATTRIBUTES.plan.path] ?? 'plan',
        text: withoutTruncationMarker(b.body),
      })),
    runtime:
      runtimeBlock && !runtimeBlock.truncated
        ? parseJson(runtimeBlock.body)
        : undefined,
  };
}
