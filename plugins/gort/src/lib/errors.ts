/** HTTP status of a ResponseError; undefined for network and other errors. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The backend's own message of a ResponseError, else the error's message. */
export function backendMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } } | undefined)?.cause;
  if (typeof cause?.message === 'string') {
    return cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
