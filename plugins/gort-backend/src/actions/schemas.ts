import type { ActionsRegistryActionOptions } from '@backstage/backend-plugin-api/alpha';
import { RUN_OUTCOMES, RUN_STATES } from '@gort-backstage/plugin-gort-common';

/**
 * The zod the actions registry hands to schema functions. Taken from the
 * registry's own types: this plugin's zod is another copy, and mixing the
 * two makes the compiler compare them structurally.
 */
export type Zod = Parameters<ActionsRegistryActionOptions<any, any>['schema']['input']>[0];

const ENTITY_REF = /^[A-Za-z0-9._-]+:[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/;

export const entityRefInput = (z: Zod) =>
  z
    .string()
    .regex(ENTITY_REF, 'expected kind:namespace/name, e.g. component:default/podinfo')
    .describe('Catalog entity ref, kind:namespace/name (e.g. component:default/podinfo)');

export const runSummarySchema = (z: Zod) =>
  z.object({
    id: z.string().describe('Run id (UUID), for gort:get-run'),
    entityRef: z.string(),
    repo: z.string().describe('owner/repo of the GitOps repository'),
    branch: z.string(),
    sha: z.string().describe('The pushed commit'),
    trigger: z.enum(['push', 'manual', 'catch-up']),
    state: z.enum(RUN_STATES),
    outcome: z.enum(RUN_OUTCOMES).optional(),
    category: z.string().optional().describe('Failure category of the diagnosis (GORT taxonomy id)'),
    commit: z
      .object({
        message: z.string().optional(),
        author: z.string().optional(),
        url: z.string().optional(),
        timestamp: z.string().optional(),
      })
      .optional(),
    supersededBy: z.string().optional(),
    intentMet: z.boolean().optional(),
    fixPr: z
      .object({
        status: z.string(),
        url: z.string().optional(),
        number: z.number().optional(),
        prState: z.enum(['open', 'merged', 'closed']).optional(),
      })
      .optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deadlineAt: z.string(),
    finishedAt: z.string().optional(),
  });

export const objectStatusSchema = (z: Zod) =>
  z.object({
    object: z.string().describe('Kind/namespace/name of the Flux object'),
    cluster: z.string().optional(),
    kind: z.string(),
    namespace: z.string(),
    name: z.string(),
    state: z.string().describe('ready, reconciling, failed, suspended, unknown, ...'),
    reason: z.string().optional(),
    message: z.string().optional(),
    lastAppliedRevision: z.string().optional(),
    lastAttemptedRevision: z.string().optional(),
    lastTransitionTime: z.string().optional(),
    observedGenerationCurrent: z.boolean(),
    source: z
      .object({
        kind: z.string(),
        namespace: z.string(),
        name: z.string(),
        revision: z.string().optional(),
        ready: z.boolean().optional(),
        message: z.string().optional(),
      })
      .optional(),
  });

export const diagnosisSchema = (z: Zod) =>
  z.object({
    category: z.string().describe('Failure category (GORT taxonomy id)'),
    object: z.string().describe('The root-cause object'),
    summary: z.string(),
    fix: z.string().describe('What to change in Git, or why it is not fixable in Git'),
    confidence: z.number().min(0).max(1),
    evidence: z.array(z.object({ source: z.string(), message: z.string() })),
    related: z.array(z.string()),
  });

/** One object of `gort diagnose --explain --json` (diagnosis/explain.ts). */
export const explanationSchema = (z: Zod) => {
  const rule = z.object({
    name: z.string(),
    category: z.string(),
    confidence: z.number(),
    templates: z.array(z.object({ source: z.string(), fragment: z.string() })),
  });
  return z.object({
    object: z.string(),
    conditions: z.array(
      z.object({
        source: z.string(),
        scope: z.string(),
        reason: z.string().optional(),
        normalisedMessage: z.string(),
        matched: rule.extend({ captures: z.record(z.string()) }).nullable(),
        via: rule.optional(),
        candidates: z.array(
          rule.extend({
            order: z.enum(['before', 'after']),
            outcome: z.string(),
            why: z.string(),
          }),
        ),
      }),
    ),
  });
};
