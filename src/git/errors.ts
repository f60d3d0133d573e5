/**
 * The one error class of the Git source. `reason` says what went wrong in words a GitSync condition
 * can carry; the message names the repository URL (never with credentials) and the ref or path.
 */
import { UserError } from '../errors.js';

export const gitSourceErrorReasons = [
  'FetchFailed',
  'RefNotFound',
  'PathNotFound',
  'AuthFailed',
  'TooLarge',
  'Timeout',
] as const;
export type GitSourceErrorReason = (typeof gitSourceErrorReasons)[number];

export class GitSourceError extends UserError {
  override readonly name: string = 'GitSourceError';
  readonly reason: GitSourceErrorReason;
  /** The repository URL with any credentials removed. */
  readonly url: string;
  /**
   * Whether trying again soon can help (a network error, HTTP 5xx/429, a timeout), as opposed to
   * something the user must fix. Defaults to true for FetchFailed and Timeout.
   */
  readonly retryable: boolean;

  constructor(
    reason: GitSourceErrorReason,
    url: string,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.url = url;
    this.retryable = options?.retryable ?? (reason === 'FetchFailed' || reason === 'Timeout');
  }
}
