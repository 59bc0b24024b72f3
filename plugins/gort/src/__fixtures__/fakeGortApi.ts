import { ResponseError } from '@backstage/errors';
import type { mockApis } from '@backstage/test-utils';
import type { GortApi } from '../api';
import {
  failedRun,
  failedStatus,
  orgStatuses,
  runPage1,
  runPage2,
  succeededRun,
} from './gort';

/** A GortApi answering with the fixtures; override any method per test. */
export function fakeGortApi(
  overrides: Partial<GortApi> = {},
): jest.Mocked<GortApi> {
  return {
    listWatchers: jest.fn(async () => [failedStatus.watcher!]),
    getEntityStatus: jest.fn(async () => failedStatus),
    listEntityStatuses: jest.fn(async () => orgStatuses),
    listRuns: jest.fn(async request => (request.cursor ? runPage2 : runPage1)),
    getRun: jest.fn(async id =>
      id === succeededRun.id ? succeededRun : failedRun,
    ),
    createRun: jest.fn(async () => ({
      runId: failedRun.id,
      created: true,
      sha: failedRun.sha,
    })),
    ...overrides,
  } as jest.Mocked<GortApi>;
}

/** The error GortClient throws for a backend answer in Backstage's error shape. */
export async function backendError(
  statusCode: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({ error: { name, message }, response: { statusCode } }),
      {
        status: statusCode,
        statusText: name,
        headers: { 'content-type': 'application/json' },
      },
    ),
  );
}

type PermissionDecision = Extract<
  NonNullable<
    NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize']
  >,
  string
>;

/**
 * AuthorizeResult.DENY for `mockApis.permission`, typed against the real enum
 * without a dependency on @backstage/plugin-permission-common.
 */
export const DENY = 'DENY' as PermissionDecision;
