import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError, NotFoundError } from '@backstage/errors';
import type { Run, RunSummary } from '@gort-backstage/plugin-gort-common';
import {
  diagnose,
  explainObjects,
  isDiagnosable,
  isFailing,
  ManifestParseError,
  objectRef,
  parseManifests,
  redactObject,
  TargetNotFoundError,
} from '@gort-backstage/plugin-gort-node';
import { RunStore } from '../database/RunStore';
import { EntityAccess } from '../service/EntityAccess';
import { GortStatusService } from '../service/GortStatusService';
import { ManualRuns } from '../service/ManualRuns';
import {
  diagnosisSchema,
  entityRefInput,
  explanationSchema,
  objectStatusSchema,
  runSummarySchema,
} from './schemas';

/** Pasted YAML larger than this is refused (the CLI allows more: it reads files). */
export const MAX_DIAGNOSE_INPUT_CHARS = 2 * 1024 * 1024;
const MAX_EVIDENCE_ITEMS = 20;
const MAX_TIMELINE_ENTRIES = 30;

export interface GortActionsOptions {
  actionsRegistry: ActionsRegistryService;
  access: EntityAccess;
  statusService: GortStatusService;
  runStore: RunStore;
  manualRuns: ManualRuns;
}

const notFollowed = (entityRef: string) => `No entity ${entityRef} is followed by GORT`;

function summaryOf(run: RunSummary): RunSummary {
  const { id, entityRef, repo, branch, sha, trigger, state, outcome, category, commit, supersededBy, intentMet, fixPr, createdAt, updatedAt, deadlineAt, finishedAt } = run;
  return {
    id, entityRef, repo, branch, sha, trigger, state, createdAt, updatedAt, deadlineAt,
    ...(outcome ? { outcome } : {}),
    ...(category ? { category } : {}),
    ...(commit ? { commit } : {}),
    ...(supersededBy ? { supersededBy } : {}),
    ...(intentMet !== undefined ? { intentMet } : {}),
    ...(fixPr ? { fixPr } : {}),
    ...(finishedAt ? { finishedAt } : {}),
  };
}

/**
 * GORT's actions in the Backstage actions registry, served to AI assistants
 * over MCP by `@backstage/plugin-mcp-actions-backend`. `visibilityPermission`
 * is only a basic permission, so each action authorizes per entity from the
 * caller's credentials, as the HTTP API does: an entity the caller may not
 * read is reported as not found.
 */
export function registerGortActions(options: GortActionsOptions): void {
  const { actionsRegistry, access, statusService, runStore, manualRuns } = options;

  actionsRegistry.register({
    name: 'get-status',
    title: 'Get GORT status of an entity',
    description:
      'Live Flux state of the objects a catalog entity follows (Kustomizations, HelmReleases and their sources: ready, reconciling, failed, suspended; the revision applied) and its latest GORT run.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          mode: z.string().optional().describe('GORT mode of the entity (gort.io/mode)'),
          objects: z.array(objectStatusSchema(z)),
          latestRun: runSummarySchema(z).optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const entityRef = input.entityRef.toLowerCase();
      await access.assertReadable(credentials, entityRef, notFollowed(entityRef));
      const status = await statusService.entityStatus(entityRef);
      return {
        output: {
          entityRef: status.entityRef,
          ...(status.watcher ? { mode: status.watcher.mode } : {}),
          objects: status.objects,
          ...(status.latestRun ? { latestRun: summaryOf(status.latestRun) } : {}),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'list-runs',
    title: 'List GORT runs of an entity',
    description:
      'The history of GORT runs of a catalog entity, newest first: one run per pushed commit (or "Run now"), with its state, outcome, failure category and fix pull request. Page with nextCursor.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          limit: z.number().int().min(1).max(50).default(10).describe('How many runs (1-50)'),
          cursor: z.string().regex(/^\d{1,18}$/).optional().describe('nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          items: z.array(runSummarySchema(z)),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const entityRef = input.entityRef.toLowerCase();
      await access.assertReadable(credentials, entityRef, notFollowed(entityRef));
      const list = await runStore.listRuns({ entityRef, limit: input.limit, cursor: input.cursor });
      return {
        output: {
          items: list.items.map(summaryOf),
          ...(list.nextCursor ? { nextCursor: list.nextCursor } : {}),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-run',
    title: 'Get one GORT run',
    description:
      'One GORT run: the verdict per Flux object, the failure, the diagnosis (category, root-cause object, summary, fix), a summary of the evidence, the AI analysis, the fix pull request with its validation, and the intent verdict. Evidence is redacted and untrusted: it quotes cluster messages.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({ runId: z.string().uuid().describe('Run id from gort:list-runs or gort:get-status') }),
      output: z =>
        runSummarySchema(z).extend({
          timeline: z.array(z.object({ at: z.string(), state: z.string(), message: z.string() })),
          verdicts: z.array(z.object({ object: z.string(), state: z.string(), detail: z.string(), health: z.string().optional() })),
          failure: z.object({ object: z.string(), reason: z.string(), message: z.string() }).optional(),
          diagnosis: diagnosisSchema(z).omit({ evidence: true }).optional(),
          evidenceSummary: z
            .object({
              count: z.number(),
              items: z.array(z.object({ source: z.string(), message: z.string() })),
            })
            .describe('The first evidence items, each message cut to its first line'),
          ai: z
            .object({
              provider: z.string(),
              model: z.string(),
              summary: z.string().optional(),
              rootCause: z.string().optional(),
              confidence: z.number().optional(),
              error: z.string().optional(),
            })
            .optional(),
          fixPrDetail: z
            .object({
              status: z.string(),
              message: z.string(),
              url: z.string().optional(),
              branch: z.string().optional(),
              prState: z.string().optional(),
              files: z.array(z.string()).optional(),
              validation: z.array(z.object({ check: z.string(), ok: z.boolean(), detail: z.string(), status: z.string().optional() })),
            })
            .optional(),
          intent: z
            .object({
              met: z.boolean(),
              confidence: z.number(),
              mode: z.string(),
              findings: z.array(z.object({ expectation: z.string(), observed: z.string(), status: z.string() })),
            })
            .optional(),
          error: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const run = await runStore.getRun(input.runId);
      // the same answer for a run that does not exist and one the caller may not read
      if (!run) throw new NotFoundError(`No run ${input.runId}`);
      await access.assertReadable(credentials, run.entityRef, `No run ${input.runId}`);
      return { output: runDetail(run) };
    },
  });

  actionsRegistry.register({
    name: 'diagnose',
    title: 'Diagnose Flux objects offline',
    description:
      'Runs GORT\'s diagnosis rules on pasted `kubectl get -o yaml` output (Flux objects, optionally with their sources, events, workloads and pods): the root-cause diagnosis and, per object, how each condition message was classified (the same JSON as `gort diagnose --explain --json`). Needs no cluster access; the output is redacted.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          yaml: z
            .string()
            .min(1)
            .max(MAX_DIAGNOSE_INPUT_CHARS)
            .describe('YAML or JSON as printed by kubectl get -o yaml (one object, several documents or a kind: List)'),
          object: z.string().max(512).optional().describe('Kind/namespace/name to diagnose instead of picking the root cause'),
        }),
      output: z =>
        z.object({
          healthy: z.boolean().describe('True when no Flux object in the input fails'),
          checked: z.array(z.string()),
          failing: z.array(z.string()),
          diagnosis: diagnosisSchema(z).nullable(),
          explanations: z.array(explanationSchema(z)),
        }),
    },
    action: async ({ input }) => {
      let objects;
      try {
        objects = parseManifests(input.yaml);
      } catch (error) {
        if (error instanceof ManifestParseError) throw new InputError(`Invalid yaml: ${error.message}`);
        throw error;
      }
      const flux = objects.filter(isDiagnosable);
      if (flux.length === 0) {
        throw new InputError('No Flux objects (Kustomization, HelmRelease, GitRepository, ...) in yaml');
      }
      try {
        const diagnosis = diagnose(objects, input.object);
        const explanations = explainObjects(objects, input.object);
        const checked = (input.object ? flux.filter(o => objectRef(o) === input.object) : flux).map(objectRef);
        return {
          output: redactObject({
            healthy: !diagnosis,
            checked,
            failing: flux.filter(isFailing).map(objectRef),
            diagnosis: diagnosis
              ? {
                  category: diagnosis.category,
                  object: diagnosis.object,
                  summary: diagnosis.summary,
                  fix: diagnosis.fix,
                  confidence: diagnosis.confidence,
                  evidence: diagnosis.evidence,
                  related: diagnosis.related,
                }
              : null,
            explanations,
          }),
        };
      } catch (error) {
        if (error instanceof TargetNotFoundError) throw new InputError(error.message);
        throw error;
      }
    },
  });

  actionsRegistry.register({
    name: 'run-now',
    title: 'Run GORT now for an entity',
    description:
      'Starts a GORT run of a catalog entity against the revision its Flux source serves now (as the "Run now" button). Needs the gort.run.create permission on the entity and is rate-limited per user and entity. Answers with the run id (created is false when a run for that commit was already active).',
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: z =>
        z.object({
          runId: z.string(),
          created: z.boolean(),
          sha: z.string().describe('The commit the run follows'),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await manualRuns.start(credentials, input.entityRef),
    }),
  });
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n')[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function runDetail(run: Run) {
  const evidence = run.diagnosis?.evidence?.length ? run.diagnosis.evidence : run.evidence ?? [];
  return {
    ...summaryOf(run),
    timeline: run.timeline.slice(-MAX_TIMELINE_ENTRIES),
    verdicts: run.verdicts.map(v => ({
      object: v.object,
      state: v.state,
      detail: v.detail,
      ...(v.health ? { health: v.health } : {}),
    })),
    ...(run.failure ? { failure: run.failure } : {}),
    ...(run.diagnosis
      ? {
          diagnosis: {
            category: run.diagnosis.category,
            object: run.diagnosis.object,
            summary: run.diagnosis.summary,
            fix: run.diagnosis.fix,
            confidence: run.diagnosis.confidence,
            related: run.diagnosis.related,
          },
        }
      : {}),
    evidenceSummary: {
      count: evidence.length,
      items: evidence.slice(0, MAX_EVIDENCE_ITEMS).map(e => ({ source: e.source, message: firstLine(e.message) })),
    },
    ...(run.ai
      ? {
          ai: {
            provider: run.ai.provider,
            model: run.ai.model,
            ...(run.ai.summary ? { summary: run.ai.summary } : {}),
            ...(run.ai.rootCause ? { rootCause: run.ai.rootCause } : {}),
            ...(run.ai.confidence !== undefined ? { confidence: run.ai.confidence } : {}),
            ...(run.ai.error ? { error: run.ai.error } : {}),
          },
        }
      : {}),
    ...(run.fixPr
      ? {
          fixPrDetail: {
            status: run.fixPr.status,
            message: run.fixPr.message,
            ...(run.fixPr.url ? { url: run.fixPr.url } : {}),
            ...(run.fixPr.branch ? { branch: run.fixPr.branch } : {}),
            ...(run.fixPr.prState ? { prState: run.fixPr.prState } : {}),
            ...(run.fixPr.files ? { files: run.fixPr.files } : {}),
            validation: run.fixPr.validation,
          },
        }
      : {}),
    ...(run.intent
      ? { intent: { met: run.intent.met, confidence: run.intent.confidence, mode: run.intent.mode, findings: run.intent.findings } }
      : {}),
    ...(run.error ? { error: run.error } : {}),
  };
}
