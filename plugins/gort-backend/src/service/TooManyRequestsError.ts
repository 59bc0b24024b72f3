import { CustomErrorBase } from '@backstage/errors';

/**
 * Answered with 429: the error handler of the backend's HTTP router takes
 * the status from `statusCode` (@backstage/errors has no such class).
 */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  readonly statusCode = 429;
}
