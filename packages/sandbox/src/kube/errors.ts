import { StatusBody } from './types';
import { ResourceType } from './resources';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'BadRequest'
  | 'Unauthorized'
  | 'Gone'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'NotAcceptable';

const codes: Record<StatusReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  BadRequest: 400,
  Unauthorized: 401,
  Gone: 410,
  MethodNotAllowed: 405,
  UnsupportedMediaType: 415,
  Invalid: 422,
  NotAcceptable: 406,
};

/** An API error that renders as a Kubernetes `Status` body. */
export class KubeApiError extends Error {
  readonly reason: StatusReason;
  readonly code: number;
  readonly details?: StatusBody['details'];

  constructor(
    reason: StatusReason,
    message: string,
    details?: StatusBody['details'],
  ) {
    super(message);
    this.name = 'KubeApiError';
    this.reason = reason;
    this.code = codes[reason];
    this.details = details;
  }

  toStatus(): StatusBody {
    return statusBody(this.reason, this.message, this.details);
  }
}

export function statusBody(
  reason: StatusReason,
  message: string,
  details?: StatusBody['details'],
): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code: codes[reason],
  };
}

/** `deployments.apps` or `pods`, as the API server names a resource in messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

export function notFound(type: ResourceType, name: string): KubeApiError {
  return new KubeApiError(
    'NotFound',
    `${qualifiedResource(type)} "${name}" not found`,
    { name, group: type.group, kind: type.plural },
  );
}

export function alreadyExists(type: ResourceType, name: string): KubeApiError {
  return new KubeApiError(
    'AlreadyExists',
    `${qualifiedResource(type)} "${name}" already exists`,
    { name, group: type.group, kind: type.plural },
  );
}

export function conflict(type: ResourceType, name: string): KubeApiError {
  return new KubeApiError(
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(
      type,
    )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: type.group, kind: type.plural },
  );
}

export function badRequest(message: string): KubeApiError {
  return new KubeApiError('BadRequest', message);
}
