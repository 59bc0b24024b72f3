import { ApiErrorBody, ApiErrorType } from './wireTypes';

/** An error answer of the Messages API: HTTP status, error type and message. */
export interface ApiError {
  status: number;
  type: ApiErrorType;
  message: string;
}

export function apiError(
  status: number,
  type: ApiErrorType,
  message: string,
): ApiError {
  return { status, type, message };
}

export const invalidRequest = (message: string): ApiError =>
  apiError(400, 'invalid_request_error', message);

export function errorBody(error: ApiError, requestId: string): ApiErrorBody {
  return {
    type: 'error',
    error: { type: error.type, message: error.message },
    request_id: requestId,
  };
}

export type InjectableFailureStatus = 429 | 500 | 529;

/** The errors `failNext` injects, worded like the real API's. */
export function injectedFailure(status: InjectableFailureStatus): ApiError {
  switch (status) {
    case 429:
      return apiError(
        429,
        'rate_limit_error',
        'This request would exceed the rate limit for your organization of 50 requests per minute. Please slow down and try again.',
      );
    case 529:
      return apiError(529, 'overloaded_error', 'Overloaded');
    default:
      return apiError(500, 'api_error', 'Internal server error');
  }
}
