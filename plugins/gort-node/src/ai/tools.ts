import {
  FAILURE_CATEGORIES,
  FailureCategory,
} from '@gort-backstage/plugin-gort-common';

/**
 * The structured-output tools GORT offers an AI provider. The shapes follow
 * the Anthropic Messages API `tools` entries (name, description,
 * input_schema); other providers take the same JSON Schema.
 */
export interface AiToolDefinition {
  name: string;
  description: string;
  input_schema: JsonSchemaObject;
}

export type JsonSchemaObject = {
  type: 'object';
  properties: Record<string, unknown>;
  required?: string[];
  additionalProperties?: boolean;
};

export const PROPOSE_FIX_TOOL_NAME = 'propose_fix';
export const REPORT_INTENT_VERDICT_TOOL_NAME = 'report_intent_verdict';

/** Bounds shared by the schemas and the validators. */
export const AI_TOOL_LIMITS = {
  summaryChars: 2_000,
  rootCauseChars: 8_000,
  notFixableInGitChars: 4_000,
  maxEdits: 20,
  pathChars: 512,
  searchChars: 20_000,
  replaceChars: 200_000,
  contentChars: 200_000,
  planTitleChars: 200,
  planBodyChars: 50_000,
  maxFindings: 50,
  findingTextChars: 2_000,
} as const;

export interface ReplaceEdit {
  kind: 'replace';
  /** Repository-relative POSIX path of an existing file. */
  path: string;
  /** Text that occurs exactly once in the file at the pushed commit. */
  search: string;
  replace: string;
}

export interface CreateEdit {
  kind: 'create';
  path: string;
  content: string;
}

export type FixEdit = ReplaceEdit | CreateEdit;

export interface PlanDocumentDraft {
  title: string;
  /** Markdown. */
  body: string;
}

export interface ProposeFixInput {
  summary: string;
  rootCause: string;
  category?: FailureCategory;
  /** 0..1 */
  confidence: number;
  edits: FixEdit[];
  planDocument: PlanDocumentDraft;
  /** Set, with no edits, when the failure cannot be fixed by a change in Git. */
  notFixableInGit?: string;
}

export type IntentFindingStatus = 'met' | 'not_met' | 'unknown';

export interface IntentFinding {
  expectation: string;
  observed: string;
  status: IntentFindingStatus;
}

export interface IntentVerdictInput {
  met: boolean;
  /** 0..1 */
  confidence: number;
  findings: IntentFinding[];
}

const relativePathSchema = {
  type: 'string',
  minLength: 1,
  maxLength: AI_TOOL_LIMITS.pathChars,
  description:
    'Repository-relative POSIX path, e.g. "apps/podinfo/deployment.yaml"; no leading "/", no ".." segments.',
};

const confidenceSchema = {
  type: 'number',
  minimum: 0,
  maximum: 1,
  description: 'How sure you are, from 0 (guess) to 1 (certain).',
};

export const PROPOSE_FIX_TOOL: AiToolDefinition = {
  name: PROPOSE_FIX_TOOL_NAME,
  description:
    'Propose the smallest change to the Git repository that fixes the Flux reconciliation failure described in the data blocks. ' +
    'Edits are search-and-replace on files shown in <file> blocks, or new files. ' +
    'If the failure cannot be fixed in Git, set notFixableInGit and return no edits.',
  input_schema: {
    type: 'object',
    properties: {
      summary: {
        type: 'string',
        minLength: 1,
        maxLength: AI_TOOL_LIMITS.summaryChars,
        description:
          'One or two sentences: what the fix does. Used as the pull request title and summary.',
      },
      rootCause: {
        type: 'string',
        minLength: 1,
        maxLength: AI_TOOL_LIMITS.rootCauseChars,
        description: 'Why the reconciliation failed, citing the evidence.',
      },
      category: {
        type: 'string',
        enum: [...FAILURE_CATEGORIES],
        description:
          'Failure taxonomy id. Keep the rule diagnosis category when it is certain.',
      },
      confidence: confidenceSchema,
      edits: {
        type: 'array',
        maxItems: AI_TOOL_LIMITS.maxEdits,
        items: {
          oneOf: [
            {
              type: 'object',
              properties: {
                kind: { type: 'string', enum: ['replace'] },
                path: relativePathSchema,
                search: {
                  type: 'string',
                  minLength: 1,
                  maxLength: AI_TOOL_LIMITS.searchChars,
                  description:
                    'Exact text of the current file (as shown in its <file> block, unescaped); must occur exactly once.',
                },
                replace: {
                  type: 'string',
                  maxLength: AI_TOOL_LIMITS.replaceChars,
                  description:
                    'Text that replaces the single occurrence of search.',
                },
              },
              required: ['kind', 'path', 'search', 'replace'],
              additionalProperties: false,
            },
            {
              type: 'object',
              properties: {
                kind: { type: 'string', enum: ['create'] },
                path: relativePathSchema,
                content: {
                  type: 'string',
                  maxLength: AI_TOOL_LIMITS.contentChars,
                  description: 'Whole content of the new file.',
                },
              },
              required: ['kind', 'path', 'content'],
              additionalProperties: false,
            },
          ],
        },
      },
      planDocument: {
        type: 'object',
        description:
          'A Markdown plan document added to the pull request: what failed, why, and what the change does.',
        properties: {
          title: {
            type: 'string',
            minLength: 1,
            maxLength: AI_TOOL_LIMITS.planTitleChars,
          },
          body: {
            type: 'string',
            minLength: 1,
            maxLength: AI_TOOL_LIMITS.planBodyChars,
          },
        },
        required: ['title', 'body'],
        additionalProperties: false,
      },
      notFixableInGit: {
        type: 'string',
        minLength: 1,
        maxLength: AI_TOOL_LIMITS.notFixableInGitChars,
        description:
          'Only when no change in Git can fix the failure: the reason, and what a human must do instead.',
      },
    },
    required: ['summary', 'rootCause', 'confidence', 'edits', 'planDocument'],
    additionalProperties: false,
  },
};

export const REPORT_INTENT_VERDICT_TOOL: AiToolDefinition = {
  name: REPORT_INTENT_VERDICT_TOOL_NAME,
  description:
    'Report whether the runtime state in the <runtime> block meets the expectations written in the <plan> documents. ' +
    'One finding per expectation.',
  input_schema: {
    type: 'object',
    properties: {
      met: {
        type: 'boolean',
        description: 'True when no expectation is clearly not met.',
      },
      confidence: confidenceSchema,
      findings: {
        type: 'array',
        maxItems: AI_TOOL_LIMITS.maxFindings,
        items: {
          type: 'object',
          properties: {
            expectation: {
              type: 'string',
              minLength: 1,
              maxLength: AI_TOOL_LIMITS.findingTextChars,
              description:
                'The expectation, quoted or paraphrased from a plan document.',
            },
            observed: {
              type: 'string',
              minLength: 1,
              maxLength: AI_TOOL_LIMITS.findingTextChars,
              description: 'What the runtime state shows.',
            },
            status: { type: 'string', enum: ['met', 'not_met', 'unknown'] },
          },
          required: ['expectation', 'observed', 'status'],
          additionalProperties: false,
        },
      },
    },
    required: ['met', 'confidence', 'findings'],
    additionalProperties: false,
  },
};
