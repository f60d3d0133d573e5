/**
 * Error kinds of the OCI module. All are user-caused (a bad reference, an unreachable or refusing
 * registry, a corrupt or hostile image), so they extend `UserError`; `code` lets callers and tests tell
 * them apart without matching message text.
 */
import { UserError } from '../errors.js';

export const ociErrorCodes = [
  'invalid-reference',
  'unsafe-entry',
  'limit-exceeded',
  'digest-mismatch',
  'size-mismatch',
  'unsupported-media-type',
  'invalid-image',
  'registry',
  'unauthorized',
  'not-found',
  'network',
  'invalid-config',
] as const;
export type OciErrorCode = (typeof ociErrorCodes)[number];

export class OciError extends UserError {
  override readonly name: string = 'OciError';
  readonly code: OciErrorCode;

  constructor(code: OciErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A registry answered with an HTTP error (after retries). */
export class RegistryError extends OciError {
  override readonly name: string = 'RegistryError';
  readonly status: number;

  constructor(code: OciErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.status = status;
  }
}
