import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  gortRunCreatePermission,
  gortRunReadPermission,
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
import { GortStatusService } from './GortStatusService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
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
  const { httpAuth, permissions, watcherStore, runStore, statusService, webhookReceiver } = options;
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

  async function authorize(req: Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Permission ${permission.name} is required`);
    }
    return credentials;
  }

  router.get('/watchers', async (req, res) => {
    await authorize(req, gortRunReadPermission);
    const body: WatcherList = { items: await watcherStore.list() };
    res.json(body);
  });

  router.get('/entities/status', async (req, res) => {
    await authorize(req, gortRunReadPermission);
    res.json(await statusService.allStatuses());
  });

  router.get('/entities/:namespace/:kind/:name/status', async (req, res) => {
    await authorize(req, gortRunReadPermission);
    const { namespace, kind, name } = parseOrThrow(entityParams, req.params, 'entity');
    const entityRef = `${kind}:${namespace}/${name}`.toLowerCase();
    res.json(await statusService.entityStatus(entityRef));
  });

  router.post('/runs', async (req, res) => {
    await authorize(req, gortRunCreatePermission);
    const { entityRef } = parseOrThrow(createRunBody, req.body, 'body');
    const result = await statusService.startManualRun(entityRef.toLowerCase());
    res.status(result.created ? 201 : 200).json(result);
  });

  router.get('/runs', async (req, res) => {
    await authorize(req, gortRunReadPermission);
    const query = parseOrThrow(listRunsQuery, req.query, 'query');
    const body: RunList = await runStore.listRuns(query);
    res.json(body);
  });

  router.get('/runs/:id', async (req, res) => {
    await authorize(req, gortRunReadPermission);
    const id = parseOrThrow(runIdParam, req.params.id, 'run id');
    const run = await runStore.getRun(id);
    if (!run) {
      throw new NotFoundError(`No run ${id}`);
    }
    res.json(run);
  });

  return router;
}
