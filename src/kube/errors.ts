import type { StatusDetails } from './types.js';

/** A request the API server answered with a failure Status (or a non-2xx response). */
export class KubeApiError extends Error {
  override readonly name: string = 'KubeApiError';
  /** HTTP status code (e.g. 404, 409, 422); 0 when the request never got an answer. */
  readonly status: number;
  /** Status reason: NotFound, AlreadyExists, Conflict, Invalid, Expired, Forbidden, ... ('' when unknown). */
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  /** Value of the Retry-After header or `details.retryAfterSeconds`, in seconds. */
  readonly retryAfterSeconds: number | undefined;
  /** The server's own message (without the request context frame). */
  readonly statusMessage: string;

  constructor(
    message: string,
    init: {
      status: number;
      reason?: string | undefined;
      details?: StatusDetails | undefined;
      retryAfterSeconds?: number | undefined;
      statusMessage?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.reason = init.reason ?? '';
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds ?? init.details?.retryAfterSeconds;
    this.statusMessage = init.statusMessage ?? message;
  }
}

function apiError(err: unknown): KubeApiError | undefined {
  return err instanceof KubeApiError ? err : undefined;
}

export function isNotFound(err: unknown): boolean {
  const e = apiError(err);
  return e !== undefined && (e.reason === 'NotFound' || (e.reason === '' && e.status === 404));
}

/** 409 Conflict: a stale resourceVersion, a precondition that failed, or an SSA field conflict. */
export function isConflict(err: unknown): boolean {
  const e = apiError(err);
  return e !== undefined && (e.reason === 'Conflict' || (e.reason === '' && e.status === 409));
}

export function isAlreadyExists(err: unknown): boolean {
  return apiError(err)?.reason === 'AlreadyExists';
}

/** 422 Invalid: the object failed validation. */
export function isInvalid(err: unknown): boolean {
  const e = apiError(err);
  return e !== undefined && (e.reason === 'Invalid' || (e.reason === '' && e.status === 422));
}

/** 410: a watch or list resourceVersion (or continue token) is too old. */
export function isExpired(err: unknown): boolean {
  const e = apiError(err);
  return e !== undefined && (e.status === 410 || e.reason === 'Expired' || e.reason === 'Gone');
}

export function isForbidden(err: unknown): boolean {
  const e = apiError(err);
  return e !== undefined && (e.reason === 'Forbidden' || e.status === 403);
}

/** The kind is not served by the API server (discovery does not know it). */
export class NoKindMatchError extends Error {
  override readonly name: string = 'NoKindMatchError';
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`no matches for kind "${kind}" in version "${apiVersion}"`);
  }
}

export function isNoKindMatch(err: unknown): err is NoKindMatchError {
  return err instanceof NoKindMatchError;
}
