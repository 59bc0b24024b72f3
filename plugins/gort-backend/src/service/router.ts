import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  CommitRunList,
  RUN_OUTCOMES,
  RUN_STATES,
  RunList,
  WatcherList,
} from '@gort-backstage/plugin-gort-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { RunStore } from '../database/RunStore';
import { WatcherStore } from '../database/WatcherStore';
import { WebhookReceiver } from '../webhook/WebhookReceiver';
import { EntityAccess } from './EntityAccess';
import { GortStatusService } from './GortStatusService';
import { ManualRunLimitError, ManualRuns } from './ManualRuns';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  /** Per-entity authorization: every read and run is checked against it. */
  access: EntityAccess;
  manualRuns: ManualRuns;
  auditor: AuditorService;
  watcherStore: WatcherStore;
  runStore: RunStore;
  statusService: GortStatusService;
  webhookReceiver: WebhookReceiver;
  maxWebhookBodyBytes: number;
}

const listRunsQuery = z
  .object({
    entityRef: z.string().min(3).max(255).optional(),
    state: z.enum(RUN_STATES).optional(),
    outcome: z.enum(RUN_OUTCOMES).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().regex(/^\d{1,18}$/, 'cursor must come from a previous page').optional(),
  })
  .strict();

const commitShaParam = z
  .string()
  .regex(/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/, 'expected a full commit SHA (40 or 64 hex digits; `git rev-parse HEAD`)')
  .transform(sha => sha.toLowerCase());

const runIdParam = z.string().uuid('run ids are UUIDs');

const entityRefPart = z.string().min(1).max(253).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only');
const entityParams = z.object({ namespace: entityRefPart, kind: entityRefPart, name: entityRefPart });

const createRunBody = z
  .object({
    entityRef: z
      .string()
      .regex(/^[A-Za-z0-9._-]+:[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'expected kind:namespace/name, e.g. component:default/podinfo'),
  })
  .strict();

function parseOrThrow<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .map(issue => `${issue.path.join('.') || what}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${problems}`);
  }
  return result.data;
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, access, manualRuns, auditor, watcherStore, runStore, statusService, webhookReceiver } = options;
  const router = Router();

  // The signature covers the exact bytes GitHub sent, so this route reads the
  // raw body and must come before any JSON parser.
  router.post(
    '/webhook',
    express.raw({ type: () => true, limit: options.maxWebhookBodyBytes }),
    async (req, res) => {
      const response = await webhookReceiver.receive({
        event: header(req, 'x-github-event'),
        deliveryId: header(req, 'x-github-delivery'),
        signature: header(req, 'x-hub-signature-256'),
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      });
      res.status(response.status).json(response.body);
    },
  );

  router.use(express.json({ limit: '100kb' }));

  const credentialsOf = (req: Request) => httpAuth.credentials(req, { allow: ['user', 'service'] });

  // Lists are filtered to the entities the caller may read; a single entity
  // the caller may not read answers 404, as the catalog does.
  router.get('/watchers', async (req, res) => {
    const credentials = await credentialsOf(req);
    const watchers = await watcherStore.list();
    const readable = await access.readable(credentials, watchers.map(w => w.entityRef));
    const body: WatcherList = { items: watchers.filter(w => readable.has(w.entityRef.toLowerCase())) };
    res.json(body);
  });

  router.get('/entities/status', async (req, res) => {
    const credentials = await credentialsOf(req);
    const all = await statusService.allStatuses();
    const readable = await access.readable(credentials, all.items.map(item => item.entityRef));
    res.json({ items: all.items.filter(item => readable.has(item.entityRef.toLowerCase())) });
  });

  router.get('/entities/:namespace/:kind/:name/status', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { namespace, kind, name } = parseOrThrow(entityParams, req.params, 'entity');
    const entityRef = `${kind}:${namespace}/${name}`.toLowerCase();
    await access.assertReadable(credentials, entityRef, `No entity ${entityRef} is followed by GORT`);
    res.json(await statusService.entityStatus(entityRef));
  });

  router.post('/runs', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { entityRef: requested } = parseOrThrow(createRunBody, req.body, 'body');
    const entityRef = requested.toLowerCase();
    const auditEvent = await auditor.createEvent({
      eventId: 'run-now',
      severityLevel: 'medium',
      request: req,
      meta: { entityRef },
    });
    try {
      const result = await manualRuns.start(credentials, entityRef);
      await auditEvent.success({ meta: { runId: result.runId, sha: result.sha, created: result.created } });
      res.status(result.created ? 201 : 200).json(result);
    } catch (error) {
      if (error instanceof ManualRunLimitError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      await auditEvent.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/runs', async (req, res) => {
    const credentials = await credentialsOf(req);
    const query = parseOrThrow(listRunsQuery, req.query, 'query');
    if (query.entityRef) {
      const entityRef = query.entityRef.toLowerCase();
      await access.assertReadable(credentials, entityRef, `No entity ${entityRef} is followed by GORT`);
      const body: RunList = await runStore.listRuns({ ...query, entityRef });
      res.json(body);
      return;
    }
    const readable = await access.readable(credentials, await runStore.runEntityRefs());
    const body: RunList = await runStore.listRuns({ ...query, entityRefs: [...readable] });
    res.json(body);
  });

  // The runs of one commit, for `gort follow` after a push: the entities the
  // caller may not read are left out, as in every list.
  router.get('/commits/:sha/runs', async (req, res) => {
    const credentials = await credentialsOf(req);
    const sha = parseOrThrow(commitShaParam, req.params.sha, 'commit');
    const runs = await runStore.listRuns({ sha, limit: 100 });
    const readable = await access.readable(credentials, runs.items.map(run => run.entityRef));
    const body: CommitRunList = { sha, items: runs.items.filter(run => readable.has(run.entityRef.toLowerCase())) };
    res.json(body);
  });

  router.get('/runs/:id', async (req, res) => {
    const credentials = await credentialsOf(req);
    const id = parseOrThrow(runIdParam, req.params.id, 'run id');
    const run = await runStore.getRun(id);
    // The same answer for a run that does not exist and one the caller may not read.
    if (!run) throw new NotFoundError(`No run ${id}`);
    await access.assertReadable(credentials, run.entityRef, `No run ${id}`);
    res.json(run);
  });

  return router;
}
